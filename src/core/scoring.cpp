#include "core/scoring.hpp"

#include <algorithm>

#include "core/maintenance.hpp"

namespace ls::core {

std::optional<Points> apply_rule(const ModelDef& model, ContactState& state, const EventRuleDef& rule,
                                 Micros occurred_at) {
    if (rule.is_limited()) {
        const RuleLimit* seen = state.find_limit(rule.id);
        if (seen && rule.max_awards && seen->awards >= *rule.max_awards) return std::nullopt;
        if (seen && seen->awards > 0 && rule.cooldown && occurred_at - seen->last_award_at < *rule.cooldown)
            return std::nullopt;
    }
    // The balance never grows past what the cap can show.
    const Points delta = apply_adjustment(model, state, rule.group_id, rule.points);
    if (rule.is_limited()) {
        RuleLimit& l = state.limit(rule.id);
        l.awards += 1;
        l.last_award_at = occurred_at;
    }
    return delta;
}

Points apply_adjustment(const ModelDef& model, ContactState& state, int32_t group_id, Points points) {
    GroupBalance& g = state.group(group_id);
    Points delta = points;
    const GroupDef* def = model.group(group_id);
    if (def && def->max_points && delta > Points{}) delta = min(delta, max(Points{}, *def->max_points - g.fit - g.balance));
    g.balance += delta;
    return delta;
}

Points apply_reset(ContactState& state, int32_t group_id) {
    // Awards wiped by the reset have nothing left to take back when they expire.
    auto& awards = state.window_awards;
    awards.erase(std::remove_if(awards.begin(), awards.end(),
                                [&](const WindowAward& a) { return a.group_id == group_id; }),
                 awards.end());
    GroupBalance& g = state.group(group_id);
    const Points delta = -g.balance;
    g.balance = Points{};
    return delta;
}

void apply_fit(ContactState& state, const FitResult& fit) {
    for (auto& g : state.groups) g.fit = Points{};
    for (const auto& m : fit.matches) state.group(m.group_id).fit += m.points;
    state.fit = fit.matches;
    state.qualified = fit.qualified;
}

void collect_crossings(const ModelDef& model, const Snapshot& before, const Snapshot& after,
                       std::optional<size_t> event_index, std::vector<AlertIntent>& out) {
    for (const auto& t : model.thresholds) {
        if (t.on_event) continue;
        const Points was = before.value_for(model, t);
        const Points now = after.value_for(model, t);
        if (was < t.min_score && now >= t.min_score) out.push_back(AlertIntent{&t, now, event_index});
    }
}

ContactScorer::ContactScorer(const ModelDef& model, ContactState& state, bool is_new)
    : model_(model), state_(state), current_(is_new ? Snapshot::zero(model) : snapshot(model, state)) {}

void ContactScorer::on_event(size_t event_index, int64_t event_id, Micros occurred_at,
                             const std::vector<const EventRuleDef*>& rules,
                             const std::vector<const ThresholdDef*>& event_thresholds,
                             const std::vector<CombinationHit>& combinations,
                             const std::vector<AbsenceHit>& absences) {
    on_due(occurred_at);
    if (!state_.last_activity_at || *state_.last_activity_at < occurred_at) {
        state_.last_activity_at = occurred_at;
        for (auto& g : state_.groups) g.decay_steps = 0;  // a new activity starts a new count
    }
    for (const EventRuleDef* rule : rules) {
        auto delta = apply_rule(model_, state_, *rule, occurred_at);
        if (!delta) continue;
        LedgerChange c;
        c.group_id = rule->group_id;
        c.delta = *delta;
        c.rule_id = rule->id;
        c.event_index = event_index;
        ledger_.push_back(c);
        const GroupDef* group = model_.group(rule->group_id);
        if (group && group->window && *delta != Points{})
            state_.window_awards.push_back(WindowAward{rule->group_id, occurred_at, *delta, rule->id, event_id});
    }
    for (const CombinationHit& hit : combinations) {
        const Points top_up = raise_combination(state_, hit);
        if (top_up == Points{}) continue;
        LedgerChange c;
        c.kind = LedgerKind::Combination;
        c.group_id = hit.rule->group_id;
        // Cut by the cap like any award (combination rules never use windowed groups).
        c.delta = apply_adjustment(model_, state_, hit.rule->group_id, top_up);
        c.rule_id = hit.rule->id;
        c.event_index = event_index;
        ledger_.push_back(c);
    }
    for (const AbsenceHit& hit : absences) apply_absence_hit(state_, hit, event_id, occurred_at, event_index, ledger_);
    Snapshot after = snapshot(model_, state_);
    collect_crossings(model_, current_, after, event_index, alerts_);
    for (const ThresholdDef* t : event_thresholds) {
        const Points value = after.value_for(model_, *t);
        if (value >= t->min_score) alerts_.push_back(AlertIntent{t, value, event_index});
    }
    current_ = std::move(after);
}

size_t ContactScorer::on_due(Micros t) {
    const size_t changed = apply_due(model_, state_, t, ledger_);
    if (changed) current_ = snapshot(model_, state_);  // lower scores: no crossing to collect
    return changed;
}

void ContactScorer::on_fit(const FitResult& fit) {
    apply_fit(state_, fit);
    settle(std::nullopt);
}

void ContactScorer::on_adjustment(int32_t group_id, Points points, size_t source_index) {
    LedgerChange c;
    c.kind = LedgerKind::Manual;
    c.event_index = source_index;
    c.group_id = group_id;
    c.delta = apply_adjustment(model_, state_, group_id, points);
    ledger_.push_back(c);
    settle(std::nullopt);
}

void ContactScorer::on_reset(const std::vector<int32_t>& group_ids, size_t source_index) {
    for (int32_t group_id : group_ids) {
        LedgerChange c;
        c.kind = LedgerKind::Reset;
        c.event_index = source_index;
        c.group_id = group_id;
        c.delta = apply_reset(state_, group_id);
        ledger_.push_back(c);
    }
    settle(std::nullopt);
}

void ContactScorer::settle(std::optional<size_t> event_index) {
    Snapshot after = snapshot(model_, state_);
    collect_crossings(model_, current_, after, event_index, alerts_);
    current_ = std::move(after);
}

}  // namespace ls::core
