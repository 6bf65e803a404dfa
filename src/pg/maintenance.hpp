// run_maintenance's work: decay steps and window expiries due at a time, applied
// batch by batch to the score rows whose maintenance_due_at has come.
#pragma once
#include <cstdint>

#include "pg/guard.hpp"
#include "pg/rule_cache.hpp"
#include "pg/due_state_store.hpp"

namespace ls::pg {

struct MaintenanceBatch {
    int64 rows = 0;      // score rows locked and brought up to date
    int64 balances = 0;  // group balances that changed (decay steps, expiries)
    std::optional<DueKey> last;  // where the next batch of the same run goes on
    bool yielded = false;        // gave way to a lock held by live scoring: nothing done
};

// One batch: locks up to batch_size due rows after `after` (skipping locked ones), applies what
// is due at as_of, writes the rows (scores, bands, next due time) and the ledger
// (kinds decay and expiry, actor = `actor`). Fires no threshold. Gives way (does
// nothing, `yielded`) when it would wait for a lock: pg/maintenance.cpp.
MaintenanceBatch maintenance_batch(const RuleCache& rules, TimestampTz as_of, int64 batch_size,
                                   const std::optional<DueKey>& after, Oid actor);

}  // namespace ls::pg
