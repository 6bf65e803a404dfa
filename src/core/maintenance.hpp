// Decay and sliding windows: what falls due for one contact as time passes.
//
// Decay (per group, SPEC "Decay"): with L the contact's latest activity, at time
// t >= L + after the number of due steps is floor((t - L - after) / every) + 1. The
// state remembers how many steps it has applied since L, so each step is applied
// once whoever applies it (run_maintenance or a new event) and however often it
// is asked. A step takes `points` (or `percent` of the balance, what remains cut
// toward zero at the fourth decimal) off a positive balance and never takes it
// below 0.
//
// Window (per group, SPEC "Window"): an award counts while t - occurred_at < window.
// Awards of windowed groups are kept in the state until they expire; expiry takes
// back exactly what the award added.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/contact_state.hpp"
#include "core/ledger_change.hpp"

namespace ls::core {

// Steps due at t since the activity at last_activity (0 before the first is due).
int64_t decay_steps_due(const DecayPolicy& policy, Micros last_activity, Micros t);
// The balance after `steps` further steps from `balance`.
Points decayed_balance(const DecayPolicy& policy, Points balance, int64_t steps);

// Applies every decay step, window expiry and absence deadline due at t, appending
// one ledger change per group that decayed, per expired award and per deadline that
// fired (core/absence.hpp). Returns how many balances changed.
size_t apply_due(const ModelDef& model, ContactState& state, Micros t, std::vector<LedgerChange>& out);

// When the next step or expiry of this state falls due; nothing when no step or
// expiry could ever change a balance without new activity.
std::optional<Micros> next_due(const ModelDef& model, const ContactState& state);

}  // namespace ls::core
