// Live predictive scoring (SPEC "Predictive scoring": conversion_probability kept
// in the same transaction as events and attribute changes). Events add to the
// counts of the features they match (pg/event_scoring.cpp, core::count_events);
// a fit of attributes recomputes their part of the log-odds here; a state created
// for a contact starts from its attributes. StoredState::finish works the
// probability out of the state (core::conversion_probability).
#pragma once
#include <optional>

#include "core/contact_state.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

// The predictive state of a contact with no events yet and these attributes
// (detoasted jsonb) in the model (its index), or none when the model has no fit.
std::optional<core::PredictiveState> fresh_predictive_state(const RuleCache& rules, size_t model_index,
                                                            Datum attributes);

// New attributes (detoasted jsonb): the state's attribute part again, when it
// belongs to the model's current fit.
void refit_predictive_attributes(const RuleCache& rules, size_t model_index, core::ContactState& state,
                                 Datum attributes);

}  // namespace ls::pg
