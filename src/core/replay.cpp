#include "core/replay.hpp"

#include <algorithm>

namespace ls::core {

std::vector<HistoryStep> history_order(const std::vector<ReplayEvent>& events, const std::vector<ReplayEntry>& entries) {
    std::vector<HistoryStep> steps;
    steps.reserve(events.size() + entries.size());
    for (size_t i = 0; i < events.size(); ++i) steps.push_back(HistoryStep{true, i});
    for (size_t i = 0; i < entries.size(); ++i) steps.push_back(HistoryStep{false, i});
    auto at = [&](const HistoryStep& s) { return s.is_event ? events[s.index].occurred_at : entries[s.index].at; };
    std::stable_sort(steps.begin(), steps.end(), [&](const HistoryStep& a, const HistoryStep& b) {
        if (at(a) != at(b)) return at(a) < at(b);
        if (a.is_event != b.is_event) return a.is_event;
        if (a.is_event) return events[a.index].event_id < events[b.index].event_id;
        return a.index < b.index;
    });
    return steps;
}

void replay_history(ContactScorer& scorer, const std::vector<ReplayEvent>& events,
                    const std::vector<ReplayEntry>& entries, Micros until, std::optional<size_t> stop_before_event,
                    const std::vector<ReplayFit>& fits) {
    static const std::vector<const ThresholdDef*> no_thresholds;
    size_t next_fit = 0;
    auto fits_until = [&](Micros t) {
        while (next_fit < fits.size() && fits[next_fit].at <= t) scorer.on_fit(fits[next_fit++].fit);
    };
    for (const HistoryStep& step : history_order(events, entries)) {
        if (step.is_event) {
            const ReplayEvent& e = events[step.index];
            if (stop_before_event && *stop_before_event == step.index) {
                fits_until(e.occurred_at);
                scorer.on_due(e.occurred_at);
                return;
            }
            if (e.occurred_at > until) break;
            fits_until(e.occurred_at);
            scorer.on_event(step.index, e.event_id, e.occurred_at, e.rules, no_thresholds, e.combinations, e.absences);
        } else {
            const ReplayEntry& r = entries[step.index];
            if (r.at > until) break;
            fits_until(r.at);
            scorer.on_due(r.at);
            if (r.kind == LedgerKind::Reset)
                scorer.on_reset({r.group_id}, step.index);
            else
                scorer.on_adjustment(r.group_id, r.delta, step.index);
        }
    }
    fits_until(until);
    scorer.on_due(until);
}

}  // namespace ls::core
