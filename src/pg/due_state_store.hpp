// The score rows maintenance works on: locking the rows whose decay steps or window
// expiries are due, and writing back only what maintenance changes.
#pragma once
#include <optional>
#include <vector>

#include "pg/state_store.hpp"

namespace ls::pg {

// Locks up to `limit` score rows of the cache's models whose maintenance is due at
// as_of, skipping rows other transactions hold (live events apply what is due
// themselves; the next round takes the rest), so maintenance never waits on and
// never deadlocks with live scoring. Each state remembers where its row is (tid).
//
// Rows come in (maintenance_due_at, contact_id, model_id) order, the order of the
// partial index, and a scan goes on after `after` (the last row of the previous
// batch): the rows a batch has updated keep old index entries until vacuum, and a
// scan from the start would walk over all of them again at every batch.
struct DueKey {
    TimestampTz due = 0;
    int64_t contact_id = 0;
    int32_t model_id = 0;
};
std::vector<StoredState> lock_due_states(const RuleCache& rules, TimestampTz as_of, int64 limit,
                                         const std::optional<DueKey>& after, std::optional<DueKey>& last);

// Writes back the changed states that lock_due_states locked: scores, group balances
// and decay steps, window awards, the next due time. Maintenance changes nothing
// else, so the UPDATE sets only those columns and finds each row by its tid (the row
// is locked, so it has not moved): no primary-key lookup, no full row to build.
void write_due_states(const std::vector<StoredState>& states);

}  // namespace ls::pg
