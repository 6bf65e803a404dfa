// The deadlines of absence rules (lead_scoring.absence_deadlines), one row per
// (contact, model, rule, correlation value), beside the score rows. A statement
// reads the deadlines its events touch (by key), those that fall due by its
// horizon, and each (contact, model)'s next pending one, which is all
// core::next_due needs to set the score row's maintenance_due_at; it writes back
// what changed (upserts), and deletes what it read but the state no longer holds
// (recompute). Pending deadlines are indexed by their due time per contact.
#pragma once
#include <vector>

#include "pg/correlation_key.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

// Reads into the states (state.absences and loaded_absences) of models with
// absence rules: the rows of `keys`, and per state the pending deadlines due before
// the horizon (deadline < until; all of them for AwardHorizon::all()) and the next
// one after.
void load_absence_deadlines(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states,
                            AwardHorizon horizon, std::vector<CorrelationKey> keys = {});

// Writes what changed in the deadlines of the changed states.
void write_absence_deadlines(const std::vector<StoredState>& states);

}  // namespace ls::pg
