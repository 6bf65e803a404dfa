// Rebuilding one contact's state in one model from its history, for recompute and
// evaluate: its first fit, then its events, the operators' adjustments and resets
// and the later changes of its attributes in the order they happened (a change of
// attributes at the same instant as an event applies first), each event or entry
// applying the decay and expiries due at its time first (as live scoring does),
// then what is due at the end.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/scoring.hpp"

namespace ls::core {

// An event of the contact with the rules of this model the adapter chose for it.
struct ReplayEvent {
    int64_t event_id = 0;
    Micros occurred_at = 0;
    std::vector<const EventRuleDef*> rules;
    std::vector<CombinationHit> combinations;  // of this model's combination rules
    std::vector<AbsenceHit> absences;          // of this model's absence rules
};

// An operator's adjustment (kind Manual: delta as recorded) or reset (kind Reset) of
// one group, at the time it was made.
struct ReplayEntry {
    LedgerKind kind = LedgerKind::Manual;
    Micros at = 0;
    int32_t group_id = 0;
    Points delta;
};

// A later change of the contact's attributes: the fit it gives from `at` on.
struct ReplayFit {
    Micros at = 0;
    FitResult fit;
};

// The order a history replays in: by time; at the same time events come before
// entries (an adjustment made in the same instant as an event was made after it,
// live), events by event_id and entries in the order given (the ledger's).
struct HistoryStep {
    bool is_event = true;
    size_t index = 0;  // into the events or the entries
};
std::vector<HistoryStep> history_order(const std::vector<ReplayEvent>& events, const std::vector<ReplayEntry>& entries);

// Replays into `scorer` (made for a fresh state, after the on_fit of its first
// attributes) every step of the history at or before `until`, then applies what is
// due at `until`. `fits` are the later attribute changes, oldest first: each applies
// (as live scoring applies a change: the new fit, no due work) before the first step
// at or after its time. With `stop_before_event`, stops instead just before that
// event (the index of an event of the history), with the changes made by then and
// what is due at its time applied: the score "just before" it. Ledger changes of
// events and entries carry their index (LedgerChange::event_index).
void replay_history(ContactScorer& scorer, const std::vector<ReplayEvent>& events,
                    const std::vector<ReplayEntry>& entries, Micros until,
                    std::optional<size_t> stop_before_event = std::nullopt,
                    const std::vector<ReplayFit>& fits = {});

}  // namespace ls::core
