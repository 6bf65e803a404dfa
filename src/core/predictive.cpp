#include "core/predictive.hpp"

#include "core/contact_state.hpp"
#include "core/model.hpp"

#include <cstring>
#include "core/logistic.hpp"
#include <stdexcept>

namespace ls::core {

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

void put_bytes(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }

template <typename T>
T take(const std::string& in, size_t& at) {
    if (at + sizeof(T) > in.size()) throw std::runtime_error("lead_scoring: a raw feature row is cut short");
    T v;
    std::memcpy(&v, in.data() + at, sizeof(T));
    at += sizeof(T);
    return v;
}


}  // namespace

std::string encode_raw_row(const RawRow& row) {
    std::string out;
    for (const RawValue& v : row) {
        put_bytes(out, &v.number, sizeof(double));
        const uint32_t len = v.category ? static_cast<uint32_t>(v.category->size()) : UINT32_MAX;
        put_bytes(out, &len, sizeof(len));
        if (v.category) out += *v.category;
    }
    return out;
}

RawRow decode_raw_row(const std::string& bytes, size_t features) {
    RawRow row(features);
    size_t at = 0;
    for (RawValue& v : row) {
        v.number = take<double>(bytes, at);
        const uint32_t len = take<uint32_t>(bytes, at);
        if (len != UINT32_MAX) {
            if (at + len > bytes.size()) throw std::runtime_error("lead_scoring: a raw feature row is cut short");
            v.category = bytes.substr(at, len);
            at += len;
        }
    }
    return row;
}

FeatureEncoder::FeatureEncoder(std::vector<FeatureDef> features)
    : features_(std::move(features)),
      sum_(features_.size()),
      sum_sq_(features_.size()),
      seen_(features_.size()),
      levels_(features_.size()) {}

FeatureEncoder::FeatureEncoder(std::vector<FeatureDef> features, std::vector<Term> terms)
    : features_(std::move(features)), terms_(std::move(terms)) {
    level_term_.resize(features_.size());
    number_term_.assign(features_.size(), kNone);
    for (size_t t = 0; t < terms_.size(); ++t) {
        const Term& term = terms_[t];
        if (term.feature < 0 || static_cast<size_t>(term.feature) >= features_.size()) continue;
        const size_t f = static_cast<size_t>(term.feature);
        if (features_[f].kind == FeatureKind::AttributeCategory)
            level_term_[f][term.level] = t;
        else
            number_term_[f] = t;
    }
}

double FeatureEncoder::number_of(const FeatureDef& f, const RawValue& v) const {
    double x = v.number;
    if (std::isnan(x)) return x;
    if (f.log1p) x = x >= 0 ? std::log1p(x) : -std::log1p(-x);  // symmetric for negative numbers
    return x;
}

void FeatureEncoder::observe(const RawRow& row) {
    for (size_t f = 0; f < features_.size(); ++f) {
        const FeatureDef& def = features_[f];
        if (def.kind == FeatureKind::AttributeCategory) {
            ++levels_[f][row[f].category ? *row[f].category : std::string()];
            continue;
        }
        const double x = def.kind == FeatureKind::AttributeFlag ? row[f].number : number_of(def, row[f]);
        if (std::isnan(x)) continue;
        sum_[f] += x;
        sum_sq_[f] += x * x;
        ++seen_[f];
    }
}

void FeatureEncoder::finish() {
    terms_.clear();
    terms_.push_back(Term{"(intercept)", -1, "", 0, 1});
    level_term_.assign(features_.size(), {});
    number_term_.assign(features_.size(), kNone);
    for (size_t f = 0; f < features_.size(); ++f) {
        const FeatureDef& def = features_[f];
        const int fi = static_cast<int>(f);
        if (def.kind == FeatureKind::AttributeCategory) {
            bool rare = false;
            for (const auto& [level, count] : levels_[f]) {
                if (level.empty()) continue;  // missing: below
                if (count >= def.min_count) {
                    level_term_[f][level] = terms_.size();
                    terms_.push_back(Term{def.name + "=" + level, fi, level, 0, 1});
                } else {
                    rare = true;
                }
            }
            if (rare) {
                level_term_[f]["\x01other"] = terms_.size();
                terms_.push_back(Term{def.name + "=other", fi, "\x01other", 0, 1});
            }
            if (levels_[f].count(std::string())) {
                level_term_[f]["\x01missing"] = terms_.size();
                terms_.push_back(Term{def.name + "=missing", fi, "\x01missing", 0, 1});
            }
            continue;
        }
        Term t{def.name, fi, "", 0, 1};
        if (def.kind != FeatureKind::AttributeFlag && seen_[f] > 0) {
            const double n = static_cast<double>(seen_[f]);
            t.mean = sum_[f] / n;
            const double var = std::max(0.0, sum_sq_[f] / n - t.mean * t.mean);
            t.scale = var > 1e-24 ? std::sqrt(var) : 1.0;
        }
        number_term_[f] = terms_.size();
        terms_.push_back(t);
    }
}

std::string FeatureEncoder::level_of(size_t f, const RawValue& v) const {
    if (!v.category) return "\x01missing";
    const auto& terms = level_term_[f];
    if (terms.count(*v.category)) return *v.category;
    return "\x01other";
}

double FeatureEncoder::transformed(const RawRow& row, const Term& term) const {
    if (term.feature < 0) return 1.0;
    const size_t f = static_cast<size_t>(term.feature);
    const FeatureDef& def = features_[f];
    if (def.kind == FeatureKind::AttributeCategory) {
        const std::string level = level_of(f, row[f]);
        return level == term.level ? 1.0 : 0.0;
    }
    if (def.kind == FeatureKind::AttributeFlag) return row[f].number == 1.0 ? 1.0 : 0.0;
    return number_of(def, row[f]);
}

void FeatureEncoder::encode(const RawRow& row, std::vector<double>& x) const {
    // Feature by feature (a category's level is looked up once, not per term).
    x.assign(terms_.size(), 0.0);
    if (!terms_.empty() && terms_[0].feature < 0) x[0] = 1.0;
    static const std::string kMissing = "\x01missing", kOther = "\x01other";
    for (size_t f = 0; f < features_.size(); ++f) {
        const FeatureDef& def = features_[f];
        const RawValue& v = row[f];
        if (def.kind == FeatureKind::AttributeCategory) {
            const auto& levels = level_term_[f];
            auto it = v.category ? levels.find(*v.category) : levels.end();
            if (it == levels.end() || it->first.empty() || it->first[0] == '\x01')
                it = levels.find(v.category ? kOther : kMissing);
            if (it != levels.end()) x[it->second] = 1.0;
            continue;
        }
        const size_t t = number_term_[f];
        if (t >= terms_.size()) continue;
        if (def.kind == FeatureKind::AttributeFlag) {
            x[t] = v.number == 1.0 ? 1.0 : 0.0;
            continue;
        }
        const double n = number_of(def, v);
        x[t] = std::isnan(n) ? 0.0 : (n - terms_[t].mean) / terms_[t].scale;  // missing: the mean
    }
}

namespace {

bool is_count_term(const FeatureEncoder& enc, const Term& t) {
    return t.feature < 0 || enc.features()[static_cast<size_t>(t.feature)].kind == FeatureKind::EventCount;
}

}  // namespace

double attribute_logit(const PredictiveFitDef& fit, const RawRow& row) {
    std::vector<double> x;
    fit.encoder->encode(row, x);
    double z = 0;
    for (size_t t = 0; t < x.size() && t < fit.coefficients.size(); ++t)
        if (!is_count_term(*fit.encoder, fit.encoder->terms()[t])) z += fit.coefficients[t] * x[t];
    return z;
}

std::optional<double> conversion_probability(const PredictiveFitDef& fit, const PredictiveState& state) {
    if (state.fit_id != fit.fit_id) return std::nullopt;
    const auto& features = fit.encoder->features();
    RawRow row(features.size());
    for (size_t f = 0; f < features.size(); ++f)
        if (features[f].kind == FeatureKind::EventCount)
            row[f].number = f < state.counts.size() ? static_cast<double>(state.counts[f]) : 0.0;
    std::vector<double> x;
    fit.encoder->encode(row, x);
    double z = state.attribute_logit;
    for (size_t t = 0; t < x.size() && t < fit.coefficients.size(); ++t)
        if (is_count_term(*fit.encoder, fit.encoder->terms()[t])) z += fit.coefficients[t] * x[t];
    return sigmoid(z);
}

PredictiveState predictive_state(const PredictiveFitDef& fit, const RawRow& row) {
    PredictiveState s;
    s.fit_id = fit.fit_id;
    const auto& features = fit.encoder->features();
    s.counts.assign(features.size(), 0);
    for (size_t f = 0; f < features.size() && f < row.size(); ++f)
        if (features[f].kind == FeatureKind::EventCount && !std::isnan(row[f].number))
            s.counts[f] = static_cast<int64_t>(row[f].number);
    s.attribute_logit = attribute_logit(fit, row);
    return s;
}

void count_events(PredictiveState& state, const std::vector<uint32_t>& features) {
    for (uint32_t f : features)
        if (f < state.counts.size()) ++state.counts[f];
}

}  // namespace ls::core
