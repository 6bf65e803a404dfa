// Live scoring of a batch of new events (one INSERT or COPY statement): match the
// rules, then score each contact's events in insertion order, exactly as if they
// had been inserted one by one.
#pragma once
#include "pg/guard.hpp"

namespace ls::pg {

// `actor`: the user who inserted the events, recorded in the ledger.
void score_new_events(TriggerData* trigger, Oid actor);

}  // namespace ls::pg
