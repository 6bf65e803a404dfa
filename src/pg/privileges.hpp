// Scoring writes tables the roles that insert events may not touch (contact_scores,
// ledger, alerts). So every entry point that writes them does what SECURITY DEFINER
// ... SET search_path = pg_catalog, pg_temp would do: it runs its work as the owner
// of the called function (the extension's owner), with a search path no other role
// can plant objects in. It is done here rather than declared on the function so that
// the caller stays known: the ledger records it as the actor.
#pragma once
#include <type_traits>

#include "pg/guard.hpp"

namespace ls::pg {

struct OwnerScope {
    Oid caller = InvalidOid;  // the user the function was called by
    Oid saved_user = InvalidOid;
    int saved_context = 0;
    int guc_level = 0;
};

OwnerScope enter_owner_scope(FunctionCallInfo fcinfo);
void leave_owner_scope(const OwnerScope& scope);

// Runs body(caller) as the function's owner. On an error the transaction (or
// subtransaction) abort restores the user and the search path, as it does for
// SECURITY DEFINER functions, so only the normal return path restores them.
template <typename F>
auto as_extension_owner(FunctionCallInfo fcinfo, F&& body) -> decltype(body(Oid{})) {
    const OwnerScope scope = enter_owner_scope(fcinfo);
    if constexpr (std::is_void_v<decltype(body(Oid{}))>) {
        body(scope.caller);
        leave_owner_scope(scope);
    } else {
        auto result = body(scope.caller);
        leave_owner_scope(scope);
        return result;
    }
}

}  // namespace ls::pg
