// Predictive features in the adapter (SPEC "Predictive scoring"): a feature set
// (lead_scoring.predictive_feature_set() or a fit's snapshot, a JSON array)
// compiled into event filters and attribute paths, and a contact's raw values as
// of a moment: its events before then, counted per event_count feature, and the
// attributes in force then, read by the attribute features' paths. The core turns
// raw values into regression columns (core/predictive.hpp).
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/predictive.hpp"
#include "pg/key_path.hpp"
#include "pg/matcher.hpp"

namespace ls::pg {

struct CompiledFeature {
    core::FeatureDef def;
    Filter filter;                  // event_count: properties_match and condition
    Datum path = 0;                 // attribute kinds: the jsonpath
    bool path_is_predicate = false; // attribute_flag: a predicate's truth, else the value is true
    std::optional<KeyPath> key_path;  // the path read without the executor, when it can be
    std::string rule_kind;          // "event", "attribute" for features made from rules
    int64_t rule_id = 0;
};

// A model's stored terms (lead_scoring.predictive_terms, in order) and their
// coefficients. Needs an SPI connection.
struct StoredTerms {
    std::vector<core::Term> terms;
    std::vector<double> coefficients;
};
StoredTerms read_predictive_terms(int32_t model_id);

class FeatureSet {
public:
    // Compiles a feature-set JSON array (a jsonb Datum) into a memory context under
    // `parent` (the rule cache's, or the transaction's). Needs an SPI connection.
    FeatureSet(Datum features, MemoryContext parent);
    ~FeatureSet();
    FeatureSet(const FeatureSet&) = delete;
    FeatureSet& operator=(const FeatureSet&) = delete;

    std::vector<core::FeatureDef> defs() const;
    // The event_count features of each event type (indices into features()).
    const std::unordered_map<std::string, std::vector<size_t>>& event_features() const { return by_event_type_; }
    const std::vector<CompiledFeature>& features() const { return features_; }

    // One contact's raw row: start, count its events (detoasted properties), then
    // finish with its attributes (detoasted jsonb) to read the attribute features.
    void start(core::RawRow& row) const;
    void count_event(core::RawRow& row, const std::string& event_type, Datum properties) const;
    // The event_count features an event counts in (indices into features()), in
    // `out`: a row counts it later with count_hits, without reading it again.
    void event_hits(const std::string& event_type, Datum properties, std::vector<uint32_t>& out) const;
    static void count_hits(core::RawRow& row, const std::vector<uint32_t>& hits) {
        for (uint32_t i : hits) row[i].number += 1;
    }
    void finish(core::RawRow& row, Datum attributes) const;

private:
    std::vector<CompiledFeature> features_;
    std::unordered_map<std::string, std::vector<size_t>> by_event_type_;
    MemoryContext context_ = nullptr;  // the compiled jsonb and jsonpath values
};

}  // namespace ls::pg
