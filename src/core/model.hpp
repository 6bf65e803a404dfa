// The definitions a scoring model is made of, as plain data. The adapter fills
// them from the rule tables; the core never reads a table. Matching an event's
// properties or a contact's attributes (jsonb containment, jsonpath) happens in the
// adapter, which then asks the core what the matching rules award.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/points.hpp"
#include "core/predictive.hpp"

namespace ls::core {

// Times are microseconds on one fixed epoch (the adapter uses PostgreSQL's).
using Micros = int64_t;

// Inactivity decay of a group's behavioural balance (see core/maintenance.hpp).
struct DecayPolicy {
    Micros after = 0;               // inactivity before the first step
    Micros every = 0;               // between two steps
    std::optional<Points> points;   // subtracted by each step, or
    std::optional<Points> percent;  // the percentage of the balance each step takes
};

struct GroupDef {
    int32_t id = 0;
    std::string name;
    std::optional<Points> max_points;  // cap of the group score
    bool counts_toward_total = true;
    std::optional<DecayPolicy> decay;
    std::optional<Micros> window;      // sliding window: awards count this long after their event
};

struct EventRuleDef {
    int64_t id = 0;
    int32_t model_id = 0;
    int32_t group_id = 0;
    std::string name;
    Points points;
    std::optional<int32_t> max_awards;  // per contact
    std::optional<Micros> cooldown;     // between two awards to one contact
    int match_keys = 0;                 // top-level keys of properties_match
    bool has_condition = false;

    bool is_limited() const { return max_awards.has_value() || cooldown.has_value(); }
};

struct AttributeRuleDef {
    int64_t id = 0;
    int32_t group_id = 0;
    std::string name;
    Points points;
    bool required = false;
};

// A combination rule (SPEC "Combination rules"): named facts (each an event filter
// the adapter matches), correlated by a property, and tiers of facts that award
// together. Facts are numbered by their place in `facts`; a set of them is a bitmask
// (at most 64 facts per rule, enforced when written).
using FactSet = uint64_t;

struct CombinationTierDef {
    FactSet facts = 0;  // every one of them must have happened
    Points points;      // never negative (refused when written)
};

struct CombinationRuleDef {
    int64_t id = 0;
    int32_t group_id = 0;
    std::string name;
    std::vector<std::string> facts;  // bit i of a FactSet is facts[i]
    std::vector<CombinationTierDef> tiers;

    // The rule's value for the facts that happened: the greatest points of the tiers
    // whose facts all happened, 0 when none.
    Points value(FactSet happened) const;
    // The bit of a fact by name (0: no such fact).
    FactSet bit_of(const std::string& fact) const;
};

// An absence rule (SPEC "Absence rules"): the first anchor event of a contact (per
// correlation value) arms a deadline; an expected event at or before it settles it;
// an unsettled deadline awards `points` once, when it has passed. The adapter
// matches the anchor and expected filters and reads the anchor's time.
struct AbsenceRuleDef {
    int64_t id = 0;
    int32_t group_id = 0;
    std::string name;
    Points points;
    Micros deadline_after = 0;  // added to the anchor's time
};

// A model's stored predictive fit, as live scoring uses it: its features (in the
// fit's order), the encoder rebuilt from its terms, and the coefficients.
struct PredictiveFitDef {
    int64_t fit_id = 0;
    std::shared_ptr<const FeatureEncoder> encoder;
    std::vector<double> coefficients;  // one per term of the encoder
};

struct ThresholdDef {
    int64_t id = 0;
    std::string name;
    std::optional<int32_t> group_id;  // none: the model's total score
    Points min_score;
    bool on_event = false;  // fires on matching events instead of on crossings
};

struct ModelDef {
    int32_t id = 0;
    std::string name;
    std::optional<Points> min_score;  // clamp of the total
    std::optional<Points> max_score;
    std::optional<std::string> conversion_event_type;  // the event type that marks a conversion
    std::vector<GroupDef> groups;
    std::vector<AttributeRuleDef> attribute_rules;
    std::vector<ThresholdDef> thresholds;
    std::vector<CombinationRuleDef> combination_rules;  // by rule_id
    std::vector<AbsenceRuleDef> absence_rules;          // by rule_id
    std::optional<PredictiveFitDef> predictive;         // with a fit (train)
    // The bands (name, min_score), lowest first: band_summary's counts follow them.
    std::vector<std::pair<Points, std::string>> bands;

    const GroupDef* group(int32_t group_id) const;
    const CombinationRuleDef* combination_rule(int64_t rule_id) const;
    const AbsenceRuleDef* absence_rule(int64_t rule_id) const;
    // The band of a score: the one with the greatest min_score <= score; "" below
    // the lowest band (or without bands).
    const std::string& band_of(Points score) const;
};

// Orders rules of one model and group: the most specific first. The first rule in
// this order whose filter matches an event is the only one of its group to award.
bool more_specific(const EventRuleDef& a, const EventRuleDef& b);

}  // namespace ls::core
