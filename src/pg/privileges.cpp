#include "pg/privileges.hpp"

extern "C" {
#include "utils/guc.h"
#include "utils/syscache.h"
#include "catalog/pg_proc.h"
}

namespace ls::pg {

OwnerScope enter_owner_scope(FunctionCallInfo fcinfo) {
    const Oid function = fcinfo->flinfo->fn_oid;
    return call([&]() -> OwnerScope {
        OwnerScope scope;
        GetUserIdAndSecContext(&scope.saved_user, &scope.saved_context);
        scope.caller = scope.saved_user;
        HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
        if (!HeapTupleIsValid(tuple)) elog(ERROR, "lead_scoring: cache lookup failed for function %u", function);
        const Oid owner = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple))->proowner;
        ReleaseSysCache(tuple);
        SetUserIdAndSecContext(owner, scope.saved_context | SECURITY_LOCAL_USERID_CHANGE);
        scope.guc_level = NewGUCNestLevel();
        (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                                true, 0, false);
        return scope;
    });
}

void leave_owner_scope(const OwnerScope& scope) {
    call([&] {
        AtEOXact_GUC(true, scope.guc_level);
        SetUserIdAndSecContext(scope.saved_user, scope.saved_context);
    });
}

}  // namespace ls::pg
