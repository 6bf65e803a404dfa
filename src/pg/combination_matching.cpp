#include "pg/combination_matching.hpp"

namespace ls::pg {

void match_combinations(const EventTypeRules& type, const RuleCache& rules, Datum properties,
                        std::optional<size_t> only_model, std::vector<MatchedCombination>& out) {
    const size_t first = out.size();
    for (const CompiledCombinationFact& f : type.facts) {
        if (only_model && f.model_index != *only_model) continue;
        if (!f.filter.holds_for(properties)) continue;
        const core::CombinationRuleDef* rule = &rules.models[f.model_index].combination_rules[f.rule_index];
        // Facts are sorted by rule: a rule's hit, if any, is the last one added.
        if (out.size() > first && out.back().hit.rule == rule) {
            out.back().hit.facts |= f.bit;
            continue;
        }
        std::string correlation;
        if (f.correlate_by) {
            std::optional<std::string> value = property_text(properties, *f.correlate_by);
            if (!value || value->size() > kMaxCorrelationBytes) continue;
            correlation = std::move(*value);
        }
        out.push_back(MatchedCombination{f.model_index, core::CombinationHit{rule, std::move(correlation), f.bit}});
    }
}

}  // namespace ls::pg
