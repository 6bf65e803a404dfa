// The compiled rules of every active model, built once per backend and dropped
// when a rule table changes (ENGINEERING.md rules 4-5).
//
// A rule-table trigger (rules_changed) sends a relcache invalidation for the table
// it fired on; every backend's callback then marks its cache stale, and the next
// event rebuilds it. Invalidations are transactional: others see a rule edit when
// it commits, the editing session at its next command.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <optional>

#include "core/model.hpp"
#include "pg/matcher.hpp"

namespace ls::pg {

struct CompiledEventRule {
    core::EventRuleDef def;
    size_t model_index = 0;
    Filter filter;
};

struct CompiledEventThreshold {
    size_t model_index = 0;
    size_t threshold_index = 0;  // into ModelDef::thresholds
    Filter filter;
};

// A fact of a combination rule (core::CombinationRuleDef), matched like an event
// rule's filter.
struct CompiledCombinationFact {
    size_t model_index = 0;
    size_t rule_index = 0;  // into ModelDef::combination_rules
    core::FactSet bit = 0;
    std::optional<std::string> correlate_by;  // the rule's
    Filter filter;
};

// The anchor or the expected filter of an absence rule (core::AbsenceRuleDef).
struct CompiledAbsenceFilter {
    size_t model_index = 0;
    size_t rule_index = 0;  // into ModelDef::absence_rules
    bool anchor = false;    // the anchor's filter (else the expected event's)
    std::optional<std::string> correlate_by;       // the rule's
    std::optional<std::string> deadline_property;  // the rule's (anchors)
    Filter filter;          // match only
};

// An event_count feature of a model's predictive fit.
struct CompiledPredictiveCount {
    size_t model_index = 0;
    uint32_t feature = 0;          // its index among the fit's features
    const Filter* filter = nullptr; // kept by RuleCache::predictive_features
};

// Everything that can happen to an event of one type.
struct EventTypeRules {
    // Sorted by (model, group, most specific first): within one (model, group) run
    // the first rule whose filter holds is the only one that awards.
    std::vector<CompiledEventRule> rules;
    std::vector<CompiledEventThreshold> thresholds;
    // Sorted by (model, rule): pg/combination_matching.cpp merges one event's facts
    // of a rule into one hit.
    std::vector<CompiledCombinationFact> facts;
    // Sorted by (model, rule, anchor first): pg/absence_matching.cpp makes one hit
    // per rule.
    std::vector<CompiledAbsenceFilter> absences;
    std::vector<CompiledPredictiveCount> predictive_counts;

    // Calls on_rule for the rule that awards in each (model, group) for an event
    // with these properties (detoasted jsonb); with `only_model`, in that model only.
    // Choosing needs no state: a rule stopped later by its limits does not fall back
    // to another.
    template <typename F>
    void choose(Datum properties, std::optional<size_t> only_model, F&& on_rule) const {
        size_t i = 0;
        while (i < rules.size()) {
            const CompiledEventRule& rule = rules[i];
            if ((only_model && rule.model_index != *only_model) || !rule.filter.holds_for(properties)) {
                ++i;
                continue;
            }
            on_rule(rule);
            while (i < rules.size() && rules[i].model_index == rule.model_index &&
                   rules[i].def.group_id == rule.def.group_id)
                ++i;
        }
    }
};

struct CompiledAttributeRule {
    size_t attribute_index = 0;  // into ModelDef::attribute_rules
    Filter filter;               // condition only
};

class FeatureSet;

class RuleCache {
public:
    ~RuleCache();
    std::vector<core::ModelDef> models;                          // active models, by model_id
    std::vector<std::vector<CompiledAttributeRule>> attribute_rules;  // per model
    std::unordered_map<std::string, EventTypeRules> by_event_type;
    // Per model: the compiled features of its predictive fit (null: no fit).
    std::vector<std::shared_ptr<const FeatureSet>> predictive_features;

    const EventTypeRules* rules_for(const std::string& event_type) const {
        auto it = by_event_type.find(event_type);
        return it == by_event_type.end() ? nullptr : &it->second;
    }
    size_t event_rule_count() const;
    size_t bytes() const;  // C++ structures plus the Datums kept in `context`

    MemoryContext context = nullptr;  // holds the detoasted jsonb/jsonpath copies
};

// The index in rules.models of the active model `name`. Every function that takes a
// model name reports one it cannot use the same way (SQLSTATE 42704):
// `model "x" does not exist`, or `model "x" is not active`.
size_t model_index(const RuleCache& rules, const std::string& name);

// The current cache, rebuilt first if a rule table changed. Callers keep the
// shared_ptr for as long as they use it: a rebuild in a nested trigger must not
// pull rules from under an outer one.
std::shared_ptr<const RuleCache> current_rules();

// Registers the relcache callback (once per backend).
void register_rule_cache_invalidation();
// Called by the rules_changed trigger: invalidate everyone's cache for this table.
void invalidate_rules_for(Oid relid);
// How many times this backend built its cache.
int64 rule_cache_builds();

}  // namespace ls::pg
