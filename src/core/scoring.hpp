// What happens to one contact's state in one model when an event arrives or its
// attributes change: limits, caps, fit, and the threshold alerts that follow.
// The adapter has already matched the event against the rule filters and picked,
// per group, the most specific matching rule (see more_specific).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/absence.hpp"
#include "core/combination.hpp"
#include "core/contact_state.hpp"
#include "core/ledger_change.hpp"

namespace ls::core {

// Applies one rule to the state for an event at occurred_at. Returns the points
// actually awarded (cut by the group cap, possibly 0), or nothing when max_awards or
// the cooldown stops the rule. An award cut to 0 still counts for the limits.
std::optional<Points> apply_rule(const ModelDef& model, ContactState& state, const EventRuleDef& rule,
                                 Micros occurred_at);

// A manual adjustment of one group's balance. A positive adjustment is cut by the
// group cap exactly like an award; a negative one never is. Returns what was applied.
Points apply_adjustment(const ModelDef& model, ContactState& state, int32_t group_id, Points points);
// Sets one group's behavioural balance to 0. Returns the change (minus the old balance).
Points apply_reset(ContactState& state, int32_t group_id);

// The fit a contact's attributes give: the attribute rules that hold, and whether
// every required rule holds.
struct FitResult {
    std::vector<FitMatch> matches;
    bool qualified = true;
};
// Replaces the fit points of every group with those of `fit`.
void apply_fit(ContactState& state, const FitResult& fit);

struct AlertIntent {
    const ThresholdDef* threshold = nullptr;
    Points score;                      // the score the threshold looks at, after the change
    std::optional<size_t> event_index; // set when an event caused it
};

// Thresholds (not on_event) whose score went from < min_score to >= min_score.
void collect_crossings(const ModelDef& model, const Snapshot& before, const Snapshot& after,
                       std::optional<size_t> event_index, std::vector<AlertIntent>& out);

// Scores one contact in one model through a sequence of changes, collecting what the
// adapter must write: ledger rows and alerts. `is_new` says the contact had no score
// in the model before, so that crossings are judged from 0.
class ContactScorer {
public:
    ContactScorer(const ModelDef& model, ContactState& state, bool is_new);

    // An event of the contact: `rules` are the chosen rules of this model (one per
    // group at most), `event_thresholds` the on_event thresholds whose filter matched,
    // `combinations` the facts of this model's combination rules it satisfies (one
    // hit per rule), `absences` what it is to this model's absence rules. Decay
    // steps, expiries and deadlines due at occurred_at are applied first; then the
    // rules award, the combinations top up (ledger kind combination), and absence
    // deadlines are armed or settled (a penalty taken back: ledger kind absence).
    void on_event(size_t event_index, int64_t event_id, Micros occurred_at,
                  const std::vector<const EventRuleDef*>& rules,
                  const std::vector<const ThresholdDef*>& event_thresholds,
                  const std::vector<CombinationHit>& combinations = {},
                  const std::vector<AbsenceHit>& absences = {});
    // Applies the decay steps and window expiries due at t. They only take back
    // points, so they fire no threshold (falling below re-arms one). Returns how
    // many balances changed.
    size_t on_due(Micros t);
    // The contact's attributes were (re)evaluated.
    void on_fit(const FitResult& fit);
    // An operator's adjustment of one group (ledger kind manual). `source_index`: the
    // caller's index of the request, reported in the change's event_index.
    void on_adjustment(int32_t group_id, Points points, size_t source_index = 0);
    // An operator's reset of the given groups' balances to 0 (ledger kind reset): one
    // ledger change per group, also when the balance already was 0, so that every
    // reset is on record.
    void on_reset(const std::vector<int32_t>& group_ids, size_t source_index = 0);

    const std::vector<LedgerChange>& ledger() const { return ledger_; }
    const std::vector<AlertIntent>& alerts() const { return alerts_; }
    const Snapshot& current() const { return current_; }

private:
    // Takes the scores after a change as current, collecting the crossings it caused.
    void settle(std::optional<size_t> event_index);

    const ModelDef& model_;
    ContactState& state_;
    Snapshot current_;
    std::vector<LedgerChange> ledger_;
    std::vector<AlertIntent> alerts_;
};

}  // namespace ls::core
