#include "pg/subtransaction.hpp"

#include <cstring>

#include "pg/placement.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace ls::pg {

namespace {
int opened_this_transaction = 0;

void on_transaction(XactEvent event, void*) {
    if (event != XACT_EVENT_PRE_COMMIT && event != XACT_EVENT_PARALLEL_PRE_COMMIT && event != XACT_EVENT_PRE_PREPARE)
        opened_this_transaction = 0;
}
// Scoring in a shard, in the session of a client connected to this node (an insert
// through a Citus worker), rather than in a connection Citus opened to run a
// shard's work ("citus_internal" ones). Such a session may itself hold Citus
// connections to other nodes, busy with the rest of the statement (the COPY of a
// multi-shard insert), and Citus sends SAVEPOINT on every one of them when a
// subtransaction starts, which fails on a busy one.
bool citus_client_in_shard() {
    if (current_placement() == nullptr) return false;
    return application_name == nullptr || std::strncmp(application_name, "citus_internal", 14) != 0;
}
}  // namespace

bool subtransaction_budget_left() {
    return opened_this_transaction < kSubtransactionBudget && !citus_client_in_shard();
}
void note_subtransaction() { ++opened_this_transaction; }
void register_subtransaction_budget() { RegisterXactCallback(on_transaction, nullptr); }

}  // namespace ls::pg
