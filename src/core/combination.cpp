#include "core/combination.hpp"

namespace ls::core {

Points raise_combination(ContactState& state, const CombinationHit& hit) {
    CombinationSet& set = state.combination(hit.rule->id, hit.correlation);
    set.facts |= hit.facts;
    const Points value = hit.rule->value(set.facts);
    if (value <= set.value) return Points{};
    const Points top_up = value - set.value;
    set.value = value;
    return top_up;
}

}  // namespace ls::core
