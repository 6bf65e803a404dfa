// Predictive scoring's features (SPEC "Predictive scoring"): what a contact's
// history gives each feature as of a judgement time (the adapter extracts the raw
// values: event counts, attribute numbers, categories, flags), and how raw values
// become the columns of the logistic regression (core/logistic.hpp): log1p where
// asked, numbers standardised on the training rows (a missing number is the mean),
// categories one column per level seen at least min_count times in training, the
// rarer ones together as "other" and a missing value as its own level "missing",
// flags 0/1. Column 0 is the intercept.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ls::core {

enum class FeatureKind { EventCount, AttributeNumber, AttributeCategory, AttributeFlag };

struct FeatureDef {
    std::string name;
    FeatureKind kind = FeatureKind::EventCount;
    bool log1p = false;
    int min_count = 30;  // categories
};

// One feature's raw value for one contact: a number (NaN: missing) or a category
// (none: missing).
struct RawValue {
    double number = std::nan("");
    std::optional<std::string> category;
};
using RawRow = std::vector<RawValue>;  // one per feature, in the model's feature order

// A raw row as bytes and back (rows wait in a tuplestore between iterations).
std::string encode_raw_row(const RawRow& row);
RawRow decode_raw_row(const std::string& bytes, size_t features);

// One column of the regression.
struct Term {
    std::string name;     // "(intercept)", the feature's name, or "feature=level"
    int feature = -1;     // index into the features; -1: the intercept
    // A category's level: a value seen in training, or the groups "\x01other" and
    // "\x01missing" (marked, so that no value of an attribute is mistaken for them;
    // the term's name says "=other", "=missing"). "" for other kinds.
    std::string level;
    double mean = 0;      // numbers: subtracted, then
    double scale = 1;     //   divided by (the training standard deviation, 1 when 0)
};

class FeatureEncoder {
public:
    explicit FeatureEncoder(std::vector<FeatureDef> features);
    // Rebuilds an encoder from stored terms (a fit read back).
    FeatureEncoder(std::vector<FeatureDef> features, std::vector<Term> terms);

    // Training, pass 1: every training row once, then finish() builds the terms.
    void observe(const RawRow& row);
    void finish();

    // The row's columns (x[0] = 1), one per term.
    void encode(const RawRow& row, std::vector<double>& x) const;
    // A raw value as the regression sees it before standardising (log1p applied;
    // a flag 0/1; a category 1 for its level's term).
    double transformed(const RawRow& row, const Term& term) const;

    const std::vector<Term>& terms() const { return terms_; }
    const std::vector<FeatureDef>& features() const { return features_; }

private:
    double number_of(const FeatureDef& f, const RawValue& v) const;  // NaN: missing
    std::string level_of(size_t feature, const RawValue& v) const;

    std::vector<FeatureDef> features_;
    std::vector<Term> terms_;
    // Pass 1 sums (numbers) and counts (categories) per feature.
    std::vector<double> sum_, sum_sq_;
    std::vector<int64_t> seen_;
    std::vector<std::map<std::string, int64_t>> levels_;
    // The term of each (feature, level) after finish.
    std::vector<std::map<std::string, size_t>> level_term_;
    std::vector<size_t> number_term_;
};

struct PredictiveFitDef;
struct PredictiveState;

// The log-odds part of a raw row's attribute features under a fit (its event
// counts are not read).
double attribute_logit(const PredictiveFitDef& fit, const RawRow& row);
// A contact's conversion probability from its predictive state: the intercept, its
// counts' terms and its attribute part. None when the state belongs to another fit.
std::optional<double> conversion_probability(const PredictiveFitDef& fit, const PredictiveState& state);
// The state of a contact with these raw values under the fit (train's refresh).
PredictiveState predictive_state(const PredictiveFitDef& fit, const RawRow& row);
// Adds one to the counts of these features (an event matched them).
void count_events(PredictiveState& state, const std::vector<uint32_t>& features);

}  // namespace ls::core
