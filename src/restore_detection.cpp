// lead_scoring.restoring(): is this session loading a pg_dump archive? The triggers
// that would create, fit or score what a dump already holds have it in their WHEN
// clause (sql/parts/04_restoring.sql says why these settings). It is evaluated once
// per statement on every event insert, so the common answer (no: check_function_bodies
// is on) costs one read of a global; the privilege check runs only in a session that
// has pg_dump's settings.
#include <cstring>

#include "pg/guard.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/acl.h"
#include "utils/guc.h"
}

namespace {

bool search_path_is_empty() {
    const char* path = namespace_search_path;
    return path == nullptr || std::strcmp(path, "") == 0 || std::strcmp(path, "\"\"") == 0;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_restoring);
Datum lead_scoring_restoring(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (check_function_bodies || !search_path_is_empty()) return BoolGetDatum(false);
        // A role that may write the scores itself: the extension's owner or a superuser.
        const bool may_write_scores = ls::pg::call([]() -> bool {
            const Oid scores = get_relname_relid("contact_scores", get_namespace_oid("lead_scoring", false));
            return OidIsValid(scores) && pg_class_aclcheck(scores, GetUserId(), ACL_INSERT) == ACLCHECK_OK;
        });
        return BoolGetDatum(may_write_scores);
    });
}
}
