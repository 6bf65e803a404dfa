// Which facts of combination rules an event satisfies (SPEC "Combination rules"):
// the adapter's half of the kind, beside the core's (core/combination.hpp). A fact
// is an event filter like an event rule's; a rule with correlate_by takes the
// event's value of that top-level property, as `properties ->> key` gives it, and
// an event without it (or with JSON null) shows none of the rule's facts.
#pragma once
#include <optional>
#include <vector>

#include "core/combination.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct MatchedCombination {
    size_t model_index = 0;
    core::CombinationHit hit;
};

// Correlation values longer than this (in bytes) show no fact: they are a key of
// lead_scoring.combination_sets' index.
constexpr size_t kMaxCorrelationBytes = 1000;

// Appends one hit per combination rule (in `only_model`, or in every model) with a
// fact that an event of this type with these properties (detoasted jsonb) satisfies,
// all the rule's facts it satisfies merged.
void match_combinations(const EventTypeRules& type, const RuleCache& rules, Datum properties,
                        std::optional<size_t> only_model, std::vector<MatchedCombination>& out);

}  // namespace ls::pg
