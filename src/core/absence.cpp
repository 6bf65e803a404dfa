#include "core/absence.hpp"

#include <algorithm>

#include "core/scoring.hpp"

namespace ls::core {

Points apply_absence_hit(ContactState& state, const AbsenceHit& hit, int64_t event_id, Micros occurred_at,
                         size_t event_index, std::vector<LedgerChange>& out) {
    AbsenceDeadline& d = state.absence(hit.rule->id, hit.correlation);
    if (hit.anchor && !d.deadline) {
        // No overflow: times are of the years 1-9999, deadline_after at most 1000 years.
        d.deadline = hit.anchor_time + hit.rule->deadline_after;
        d.anchor_event_id = event_id;
    }
    if (!hit.expected) return Points{};
    if (!d.expected_at || occurred_at < *d.expected_at) d.expected_at = occurred_at;
    if (!d.settled() || !d.penalty || d.taken_back) return Points{};
    // The expected event was in time after all: take back exactly what the penalty did.
    d.taken_back = true;
    LedgerChange c;
    c.kind = LedgerKind::Absence;
    c.group_id = hit.rule->group_id;
    c.delta = -*d.penalty;
    c.rule_id = hit.rule->id;
    c.event_index = event_index;
    state.group(hit.rule->group_id).balance += c.delta;
    out.push_back(c);
    return c.delta;
}

size_t fire_deadlines(const ModelDef& model, ContactState& state, Micros t, std::vector<LedgerChange>& out) {
    std::vector<AbsenceDeadline*> due;
    for (auto& d : state.absences)
        if (d.pending() && *d.deadline < t && model.absence_rule(d.rule_id)) due.push_back(&d);
    std::stable_sort(due.begin(), due.end(),
                     [](const AbsenceDeadline* a, const AbsenceDeadline* b) { return *a->deadline < *b->deadline; });
    for (AbsenceDeadline* d : due) {
        const AbsenceRuleDef& rule = *model.absence_rule(d->rule_id);
        LedgerChange c;
        c.kind = LedgerKind::Absence;
        c.group_id = rule.group_id;
        c.delta = apply_adjustment(model, state, rule.group_id, rule.points);
        c.rule_id = rule.id;
        c.at = *d->deadline;
        d->penalty = c.delta;
        out.push_back(c);
    }
    return due.size();
}

std::optional<Micros> next_deadline(const ModelDef& model, const ContactState& state) {
    std::optional<Micros> next;
    for (const auto& d : state.absences)
        if (d.pending() && model.absence_rule(d.rule_id) && (!next || *d.deadline + 1 < *next)) next = *d.deadline + 1;
    return next;
}

}  // namespace ls::core
