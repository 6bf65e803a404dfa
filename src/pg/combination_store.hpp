// The sets of combination facts contacts have shown (lead_scoring.combination_sets),
// one row per (contact, model, rule, correlation value), beside the score rows: a
// contact may attend a thousand webinars, and an event reads only the sets its
// facts touch. Written back as a difference, like the window awards
// (pg/window_store.hpp): sets that changed are upserted, sets read but no longer
// held (recompute) deleted, sets not read left alone.
#pragma once
#include <string>
#include <vector>

#include "pg/correlation_key.hpp"
#include "pg/state_store.hpp"

namespace ls::pg {

// Reads the sets of `keys` (any order, duplicates allowed) into the states of the
// same contact and model (state.combinations and loaded_combinations). A stored
// fact the rule no longer has is dropped from the set.
void load_combination_sets(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states,
                           std::vector<CorrelationKey> keys);
// Reads every set the states' contacts have in the states' models (recompute).
void load_all_combination_sets(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states);

// Writes what changed in the sets of the changed states.
void write_combination_sets(const std::vector<StoredState>& states);

}  // namespace ls::pg
