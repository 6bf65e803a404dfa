#include "core/contact_state.hpp"

#include <algorithm>
#include <tuple>

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

CombinationSet& ContactState::combination(int64_t rule_id, const std::string& correlation) {
    auto at = std::lower_bound(combinations.begin(), combinations.end(), std::tie(rule_id, correlation),
                               [](const CombinationSet& c, const auto& key) {
                                   return std::tie(c.rule_id, c.correlation) < key;
                               });
    if (at != combinations.end() && at->rule_id == rule_id && at->correlation == correlation) return *at;
    return *combinations.insert(at, CombinationSet{rule_id, correlation, 0, {}});
}

AbsenceDeadline& ContactState::absence(int64_t rule_id, const std::string& correlation) {
    auto at = std::lower_bound(absences.begin(), absences.end(), std::tie(rule_id, correlation),
                               [](const AbsenceDeadline& d, const auto& key) {
                                   return std::tie(d.rule_id, d.correlation) < key;
                               });
    if (at != absences.end() && at->rule_id == rule_id && at->correlation == correlation) return *at;
    AbsenceDeadline fresh;
    fresh.rule_id = rule_id;
    fresh.correlation = correlation;
    return *absences.insert(at, std::move(fresh));
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

bool same_state(const ContactState& a, const ContactState& b) {
    if (a.qualified != b.qualified || a.last_activity_at != b.last_activity_at || a.groups.size() != b.groups.size() ||
        a.window_awards.size() != b.window_awards.size() || a.limits.size() != b.limits.size() ||
        a.fit.size() != b.fit.size() || a.combinations.size() != b.combinations.size() ||
        a.absences.size() != b.absences.size() || a.predictive.has_value() != b.predictive.has_value())
        return false;
    if (a.predictive && (a.predictive->fit_id != b.predictive->fit_id || a.predictive->counts != b.predictive->counts ||
                         a.predictive->attribute_logit != b.predictive->attribute_logit))
        return false;
    for (size_t i = 0; i < a.absences.size(); ++i) {
        const AbsenceDeadline &x = a.absences[i], &y = b.absences[i];
        if (x.rule_id != y.rule_id || x.correlation != y.correlation || x.deadline != y.deadline ||
            x.anchor_event_id != y.anchor_event_id || x.expected_at != y.expected_at || x.penalty != y.penalty ||
            x.taken_back != y.taken_back)
            return false;
    }
    for (size_t i = 0; i < a.combinations.size(); ++i) {
        const CombinationSet &x = a.combinations[i], &y = b.combinations[i];
        if (x.rule_id != y.rule_id || x.correlation != y.correlation || x.facts != y.facts || !(x.value == y.value))
            return false;
    }
    for (size_t i = 0; i < a.groups.size(); ++i) {
        const GroupBalance &x = a.groups[i], &y = b.groups[i];
        if (x.group_id != y.group_id || !(x.fit == y.fit) || !(x.balance == y.balance) || x.decay_steps != y.decay_steps)
            return false;
    }
    for (size_t i = 0; i < a.window_awards.size(); ++i) {
        const WindowAward &x = a.window_awards[i], &y = b.window_awards[i];
        if (x.group_id != y.group_id || x.occurred_at != y.occurred_at || !(x.delta == y.delta) ||
            x.rule_id != y.rule_id || x.event_id != y.event_id)
            return false;
    }
    for (size_t i = 0; i < a.limits.size(); ++i) {
        const RuleLimit &x = a.limits[i], &y = b.limits[i];
        if (x.rule_id != y.rule_id || x.awards != y.awards || x.last_award_at != y.last_award_at) return false;
    }
    for (size_t i = 0; i < a.fit.size(); ++i) {
        const FitMatch &x = a.fit[i], &y = b.fit[i];
        if (x.rule_id != y.rule_id || x.group_id != y.group_id || !(x.points == y.points)) return false;
    }
    return true;
}

}  // namespace ls::core
