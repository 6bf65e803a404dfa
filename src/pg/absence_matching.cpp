#include "pg/absence_matching.hpp"

#include "pg/combination_matching.hpp"
#include "pg/datum.hpp"

namespace ls::pg {

void match_absences(const EventTypeRules& type, const RuleCache& rules, Datum properties, core::Micros occurred_at,
                    std::optional<size_t> only_model, std::vector<MatchedAbsence>& out) {
    const size_t first = out.size();
    for (const CompiledAbsenceFilter& f : type.absences) {
        if (only_model && f.model_index != *only_model) continue;
        const core::AbsenceRuleDef* rule = &rules.models[f.model_index].absence_rules[f.rule_index];
        // Filters are sorted by rule, anchor first: an anchor hit is not also expected.
        const bool seen = out.size() > first && out.back().hit.rule == rule;
        if (seen && !f.anchor && out.back().hit.anchor) continue;
        if (!f.filter.holds_for(properties)) continue;
        std::string correlation;
        if (f.correlate_by) {
            std::optional<std::string> value = property_text(properties, *f.correlate_by);
            if (!value || value->size() > kMaxCorrelationBytes) continue;
            correlation = std::move(*value);
        }
        core::AbsenceHit hit;
        hit.rule = rule;
        hit.correlation = std::move(correlation);
        if (f.anchor) {
            hit.anchor_time = occurred_at;
            if (f.deadline_property) {
                std::optional<std::string> text = property_text(properties, *f.deadline_property);
                std::optional<TimestampTz> t = text ? parse_scoring_time(*text) : std::nullopt;
                if (!t) continue;  // no usable deadline: not an anchor
                hit.anchor_time = *t;
            }
            hit.anchor = true;
        } else {
            hit.expected = true;
        }
        out.push_back(MatchedAbsence{f.model_index, std::move(hit)});
    }
}

}  // namespace ls::pg
