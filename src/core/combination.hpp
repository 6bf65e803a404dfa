// Combination rules (SPEC "Combination rules"): what an event adds to the facts a
// contact has shown for one correlation value, and the top-up it earns. The adapter
// matches the facts' filters and reads the correlation value; the core keeps the
// sets and works out the awards, for live scoring and replay alike.
#pragma once
#include <string>

#include "core/contact_state.hpp"

namespace ls::core {

// The facts of one combination rule that one event satisfies (all of them, merged),
// with the event's value of the rule's correlate_by property.
struct CombinationHit {
    const CombinationRuleDef* rule = nullptr;
    std::string correlation;
    FactSet facts = 0;
};

// Adds the hit's facts to the contact's set and raises the set's value to what the
// facts now give. Returns the top-up w - v (before caps): positive when the value
// rose, else 0. The value never falls (tiers have no negative points), so the
// awards of a set add up to its value whatever the order its facts came in.
Points raise_combination(ContactState& state, const CombinationHit& hit);

}  // namespace ls::core
