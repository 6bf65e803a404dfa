#include "pg/subtransaction.hpp"

namespace ls::pg {

namespace {
int opened_this_transaction = 0;

void on_transaction(XactEvent event, void*) {
    if (event != XACT_EVENT_PRE_COMMIT && event != XACT_EVENT_PARALLEL_PRE_COMMIT && event != XACT_EVENT_PRE_PREPARE)
        opened_this_transaction = 0;
}
}  // namespace

bool subtransaction_budget_left() { return opened_this_transaction < kSubtransactionBudget; }
void note_subtransaction() { ++opened_this_transaction; }
void register_subtransaction_budget() { RegisterXactCallback(on_transaction, nullptr); }

}  // namespace ls::pg
