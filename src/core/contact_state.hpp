// What the extension remembers of one contact in one model, and the scores that
// follow from it. Everything a score is made of is here: fit points per group (from
// the attribute rules that held at the last fit), behavioural balances per group (the
// sum of the contact's ledger rows), and the per-rule counters that enforce limits.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace ls::core {

struct GroupBalance {
    int32_t group_id = 0;
    Points fit;
    Points balance;  // behavioural: rule awards, adjustments, decay, expiry, resets
    int64_t decay_steps = 0;  // decay steps applied since the contact's last activity
};

// Only rules with max_awards or a cooldown keep a counter.
struct RuleLimit {
    int64_t rule_id = 0;
    int32_t awards = 0;
    Micros last_award_at = 0;  // occurred_at of the event of the last award
};

// An attribute rule that held at the last fit, with the points it gave then.
struct FitMatch {
    int64_t rule_id = 0;
    int32_t group_id = 0;
    Points points;
};

// An award of a group with a sliding window, kept until it expires so that
// expiry can take back exactly what it gave.
struct WindowAward {
    int32_t group_id = 0;
    Micros occurred_at = 0;  // of the event
    Points delta;            // what the award actually added
    int64_t rule_id = 0;
    int64_t event_id = 0;
};

// What one combination rule has seen of a contact for one value of its
// correlate_by property: the facts that happened and the value awarded for them
// (the tier value, before any cap cut the award). Kept in
// lead_scoring.combination_sets; a statement reads the sets its events touch.
struct CombinationSet {
    int64_t rule_id = 0;
    std::string correlation;  // the property's text ('' when the rule correlates nothing)
    FactSet facts = 0;
    Points value;
};

// One absence rule's deadline for a contact and one correlation value (kept in
// lead_scoring.absence_deadlines; a statement reads those its events touch, those
// due by its time and the next one).
struct AbsenceDeadline {
    int64_t rule_id = 0;
    std::string correlation;
    std::optional<Micros> deadline;     // armed by the first anchor: its time + deadline_after
    int64_t anchor_event_id = 0;
    std::optional<Micros> expected_at;  // the earliest expected event seen
    std::optional<Points> penalty;      // what the penalty applied, once it fired
    bool taken_back = false;            // an expected event in time came after the penalty

    bool settled() const { return deadline && expected_at && *expected_at <= *deadline; }
    // Armed, not settled, not fired: fires once time has passed the deadline.
    bool pending() const { return deadline && !penalty && !settled(); }
};

// What live predictive scoring keeps of a contact (SPEC "Predictive scoring"):
// its event counts per event_count feature of the model's fit and the attribute
// features' part of the log-odds, so that an event or an attribute change updates
// the probability without recounting the history. Set for every contact by
// train(); belongs to one fit (fit_id): another fit's counts are not used.
struct PredictiveState {
    int64_t fit_id = 0;
    std::vector<int64_t> counts;  // per feature of the fit (0 for non-count features)
    double attribute_logit = 0;
};

struct ContactState {
    std::vector<GroupBalance> groups;
    std::vector<WindowAward> window_awards;  // in windowed groups, not yet expired
    std::vector<CombinationSet> combinations;  // sorted by (rule_id, correlation)
    std::vector<AbsenceDeadline> absences;     // sorted by (rule_id, correlation)
    std::vector<RuleLimit> limits;
    std::vector<FitMatch> fit;
    bool qualified = true;
    std::optional<Micros> last_activity_at;
    std::optional<PredictiveState> predictive;

    GroupBalance& group(int32_t group_id);  // added at 0/0 when missing
    const GroupBalance* find_group(int32_t group_id) const;
    RuleLimit& limit(int64_t rule_id);      // added at 0 awards when missing
    const RuleLimit* find_limit(int64_t rule_id) const;
    CombinationSet& combination(int64_t rule_id, const std::string& correlation);  // added empty when missing
    AbsenceDeadline& absence(int64_t rule_id, const std::string& correlation);     // added unarmed when missing
};

// Whether two states are the same, element by element and in the same order (a
// state equal up to order counts as different: the caller then writes it anyway).
bool same_state(const ContactState& a, const ContactState& b);

// The scores one contact has in one model: the total and each group's score, in the
// order of ModelDef::groups.
struct Snapshot {
    Points total;
    Points fit_score;       // fit points of the counted groups, before caps and clamp
    Points behavior_score;  // balances of the counted groups, before caps and clamp
    std::vector<Points> groups;

    Points value_for(const ModelDef& model, const ThresholdDef& t) const;
    // What a contact that does not exist yet has: 0 everywhere, unclamped.
    static Snapshot zero(const ModelDef& model);
};

// least(fit + balance, max_points)
Points group_score(const GroupDef& group, const GroupBalance& state);
Snapshot snapshot(const ModelDef& model, const ContactState& state);

}  // namespace ls::core
