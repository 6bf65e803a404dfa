#include "core/model.hpp"

namespace ls::core {

const GroupDef* ModelDef::group(int32_t group_id) const {
    for (const auto& g : groups)
        if (g.id == group_id) return &g;
    return nullptr;
}

const CombinationRuleDef* ModelDef::combination_rule(int64_t rule_id) const {
    for (const auto& r : combination_rules)
        if (r.id == rule_id) return &r;
    return nullptr;
}

const AbsenceRuleDef* ModelDef::absence_rule(int64_t rule_id) const {
    for (const auto& r : absence_rules)
        if (r.id == rule_id) return &r;
    return nullptr;
}

const std::string& ModelDef::band_of(Points score) const {
    static const std::string below;
    const std::string* found = &below;
    for (const auto& [min_score, name] : bands) {
        if (min_score > score) break;
        found = &name;
    }
    return *found;
}

Points CombinationRuleDef::value(FactSet happened) const {
    Points best;
    for (const auto& t : tiers)
        if ((t.facts & happened) == t.facts && t.points > best) best = t.points;
    return best;
}

FactSet CombinationRuleDef::bit_of(const std::string& fact) const {
    for (size_t i = 0; i < facts.size() && i < 64; ++i)
        if (facts[i] == fact) return FactSet{1} << i;
    return 0;
}

bool more_specific(const EventRuleDef& a, const EventRuleDef& b) {
    if (a.match_keys != b.match_keys) return a.match_keys > b.match_keys;
    if (a.has_condition != b.has_condition) return a.has_condition;
    return a.id < b.id;
}

}  // namespace ls::core
