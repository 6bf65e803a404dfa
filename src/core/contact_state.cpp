#include "core/contact_state.hpp"

namespace ls::core {

GroupBalance& ContactState::group(int32_t group_id) {
    for (auto& g : groups)
        if (g.group_id == group_id) return g;
    groups.push_back(GroupBalance{group_id, {}, {}, 0});
    return groups.back();
}

const GroupBalance* ContactState::find_group(int32_t group_id) const {
    for (const auto& g : groups)
        if (g.group_id == group_id) return &g;
    return nullptr;
}

RuleLimit& ContactState::limit(int64_t rule_id) {
    for (auto& l : limits)
        if (l.rule_id == rule_id) return l;
    limits.push_back(RuleLimit{rule_id, 0, 0});
    return limits.back();
}

const RuleLimit* ContactState::find_limit(int64_t rule_id) const {
    for (const auto& l : limits)
        if (l.rule_id == rule_id) return &l;
    return nullptr;
}

Points group_score(const GroupDef& group, const GroupBalance& state) {
    Points raw = state.fit + state.balance;
    return group.max_points ? min(raw, *group.max_points) : raw;
}

Snapshot snapshot(const ModelDef& model, const ContactState& state) {
    Snapshot s;
    s.groups.reserve(model.groups.size());
    Points sum;
    for (const auto& g : model.groups) {
        const GroupBalance* b = state.find_group(g.id);
        const GroupBalance empty{g.id, {}, {}, 0};
        const Points score = group_score(g, b ? *b : empty);
        s.groups.push_back(score);
        if (g.counts_toward_total) {
            sum += score;
            if (b) {
                s.fit_score += b->fit;
                s.behavior_score += b->balance;
            }
        }
    }
    if (model.min_score) sum = max(sum, *model.min_score);
    if (model.max_score) sum = min(sum, *model.max_score);
    s.total = sum;
    return s;
}

Points Snapshot::value_for(const ModelDef& model, const ThresholdDef& t) const {
    if (!t.group_id) return total;
    for (size_t i = 0; i < model.groups.size(); ++i)
        if (model.groups[i].id == *t.group_id) return groups[i];
    return Points{};
}

Snapshot Snapshot::zero(const ModelDef& model) {
    Snapshot s;
    s.groups.assign(model.groups.size(), Points{});
    return s;
}

}  // namespace ls::core
