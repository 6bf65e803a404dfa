// Module entry: PG_MODULE_MAGIC and _PG_init. Scoring works without preloading;
// _PG_init registers what every backend needs (the rule-cache invalidation, the
// settings) and, when preloaded, the maintenance launcher.
#include "pg/guard.hpp"
#include "pg/rule_cache.hpp"
#include "pg/score_row_tids.hpp"
#include "pg/subtransaction.hpp"
#include "pg/settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
void _PG_init(void) {
    if (IsBinaryUpgrade) return;
    ls::pg::register_rule_cache_invalidation();
    ls::pg::define_settings();
    ls::pg::score_row_tids::register_forgetting();
    ls::pg::register_subtransaction_budget();
    if (process_shared_preload_libraries_in_progress) ls::pg::register_maintenance_launcher();
}
}
