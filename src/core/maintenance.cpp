#include "core/maintenance.hpp"

#include "core/absence.hpp"

#include <algorithm>

namespace ls::core {

namespace {

constexpr int64_t kHundredPercentUnits = 100 * Points::kScale;

// One percentage step, cut toward zero at the fourth decimal: a step never rounds
// a balance up, so every step of a positive balance takes something and the
// balance reaches 0 in the end.
Points one_percent_step(const DecayPolicy& policy, Points balance) {
    const __int128 kept = static_cast<__int128>(balance.units()) * (kHundredPercentUnits - policy.percent->units());
    return Points::from_units(static_cast<int64_t>(kept / kHundredPercentUnits));
}

// Whether one more step would change the balance: only positive balances decay.
bool step_changes(const DecayPolicy& policy, Points balance) {
    if (balance <= Points{}) return false;
    return policy.points ? policy.points->units() > 0 : policy.percent->units() > 0;
}

}  // namespace

const char* kind_name(LedgerKind kind) {
    for (const auto& k : kLedgerKinds)
        if (k.kind == kind) return k.name;
    return "rule";
}

int64_t decay_steps_due(const DecayPolicy& policy, Micros last_activity, Micros t) {
    if (policy.every <= 0) return 0;
    const Micros first = last_activity + policy.after;
    if (t < first) return 0;
    return (t - first) / policy.every + 1;
}

Points decayed_balance(const DecayPolicy& policy, Points balance, int64_t steps) {
    if (steps <= 0 || balance <= Points{}) return balance;
    if (policy.points) {
        const int64_t per_step = policy.points->units();
        if (per_step <= 0) return balance;
        // Steps that reach 0 or below stop at 0: no multiplication that could overflow.
        const int64_t steps_to_zero = (balance.units() + per_step - 1) / per_step;
        if (steps >= steps_to_zero) return Points{};
        return Points::from_units(balance.units() - steps * per_step);
    }
    if (policy.percent->units() <= 0) return balance;
    // Each step takes at least 0.0001 (see one_percent_step), so this ends at 0 at
    // the latest; at 100 % after one step.
    for (int64_t i = 0; i < steps && balance > Points{}; ++i) balance = one_percent_step(policy, balance);
    return balance;
}

size_t apply_due(const ModelDef& model, ContactState& state, Micros t, std::vector<LedgerChange>& out) {
    size_t changed = 0;
    for (const GroupDef& def : model.groups) {
        if (!def.decay || !state.last_activity_at) continue;
        GroupBalance* g = nullptr;
        for (auto& candidate : state.groups)
            if (candidate.group_id == def.id) g = &candidate;
        if (!g) continue;
        const int64_t due = decay_steps_due(*def.decay, *state.last_activity_at, t);
        if (due <= g->decay_steps) continue;
        const int64_t steps = due - g->decay_steps;
        g->decay_steps = due;  // counted even when the balance has nothing left to lose
        const Points after = decayed_balance(*def.decay, g->balance, steps);
        if (after == g->balance) continue;
        LedgerChange c;
        c.kind = LedgerKind::Decay;
        c.group_id = def.id;
        c.delta = after - g->balance;
        c.at = *state.last_activity_at + def.decay->after + (due - 1) * def.decay->every;
        c.steps = steps;
        out.push_back(c);
        g->balance = after;
        ++changed;
    }

    if (!state.window_awards.empty()) {
        // Expire in the order the awards fell due, so the ledger reads in time order.
        std::vector<WindowAward> kept, expired;
        for (const WindowAward& a : state.window_awards) {
            const GroupDef* def = model.group(a.group_id);
            if (def && def->window && a.occurred_at + *def->window <= t)
                expired.push_back(a);
            else
                kept.push_back(a);
        }
        // (by when each expires: groups with different windows interleave)
        auto expires_at = [&](const WindowAward& a) { return a.occurred_at + *model.group(a.group_id)->window; };
        std::stable_sort(expired.begin(), expired.end(), [&](const WindowAward& a, const WindowAward& b) {
            return expires_at(a) < expires_at(b);
        });
        for (const WindowAward& a : expired) {
            state.group(a.group_id).balance -= a.delta;
            LedgerChange c;
            c.kind = LedgerKind::Expiry;
            c.group_id = a.group_id;
            c.delta = -a.delta;
            c.rule_id = a.rule_id;
            c.event_id = a.event_id;
            c.at = a.occurred_at + *model.group(a.group_id)->window;
            out.push_back(c);
            ++changed;
        }
        state.window_awards = std::move(kept);
    }
    if (!state.absences.empty()) changed += fire_deadlines(model, state, t, out);
    return changed;
}

std::optional<Micros> next_due(const ModelDef& model, const ContactState& state) {
    std::optional<Micros> due;
    auto consider = [&](Micros t) { due = due ? std::min(*due, t) : t; };
    for (const GroupDef& def : model.groups) {
        if (!def.decay || !state.last_activity_at) continue;
        const GroupBalance* g = state.find_group(def.id);
        if (!g || !step_changes(*def.decay, g->balance)) continue;
        consider(*state.last_activity_at + def.decay->after + g->decay_steps * def.decay->every);
    }
    for (const WindowAward& a : state.window_awards) {
        const GroupDef* def = model.group(a.group_id);
        if (def && def->window) consider(a.occurred_at + *def->window);
    }
    if (auto deadline = next_deadline(model, state)) consider(*deadline);
    return due;
}

}  // namespace ls::core
