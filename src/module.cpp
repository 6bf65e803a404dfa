// Module entry: PG_MODULE_MAGIC and _PG_init. Scoring works without preloading;
// _PG_init only registers what every backend needs (the rule-cache invalidation).
#include "pg/guard.hpp"
#include "pg/rule_cache.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
void _PG_init(void) {
    if (IsBinaryUpgrade) return;
    ls::pg::register_rule_cache_invalidation();
}
}
