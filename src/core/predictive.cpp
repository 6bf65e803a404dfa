#include "core/predictive.hpp"

#include "core/contact_state.hpp"
#include "core/model.hpp"

#include <cmath>
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

// Each value is a tag byte, then its number (none for 0 or missing (NaN), a
// varint for a whole number up to 2^56, else the double's 8 bytes), then its category (a varint
// length and the bytes) when it has one: a row of counts, mostly 0 or small, takes
// a byte or two per feature rather than twelve, so that the rows of a large train
// stay in memory.
namespace {

enum RawTag : uint8_t { kZero = 0, kWhole = 1, kDouble = 2, kMissing = 3, kHasCategory = 4 };
constexpr double kLargestWhole = 72057594037927936.0;  // 2^56

void put_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

uint64_t take_varint(const std::string& in, size_t& at) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= in.size()) throw std::runtime_error("lead_scoring: a raw feature row is cut short");
        const uint8_t b = static_cast<uint8_t>(in[at++]);
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("lead_scoring: a raw feature row has a bad number");
}

}  // namespace

std::string encode_raw_row(const RawRow& row) {
    std::string out;
    out.reserve(row.size() * 2);
    for (const RawValue& v : row) {
        const double x = v.number;
        // (-0.0 keeps its sign: it takes the double's bytes)
        const bool missing = std::isnan(x);
        const bool zero = x == 0 && !std::signbit(x);
        const bool whole = !zero && x > 0 && x < kLargestWhole && x == std::floor(x);
        uint8_t tag = missing ? kMissing : zero ? kZero : whole ? kWhole : kDouble;
        if (v.category) tag |= kHasCategory;
        out.push_back(static_cast<char>(tag));
        if (whole) put_varint(out, static_cast<uint64_t>(x));
        else if (!zero && !missing) put_bytes(out, &x, sizeof x);
        if (v.category) {
            put_varint(out, v.category->size());
            out += *v.category;
        }
    }
    return out;
}

RawRow decode_raw_row(const std::string& bytes, size_t features) {
    RawRow row(features);
    size_t at = 0;
    for (RawValue& v : row) {
        const uint8_t tag = take<uint8_t>(bytes, at);
        switch (tag & ~kHasCategory) {
            case kZero:
                v.number = 0;
                break;
            case kWhole:
                v.number = static_cast<double>(take_varint(bytes, at));
                break;
            case kDouble:
                v.number = take<double>(bytes, at);
                break;
            case kMissing:
                v.number = std::nan("");
                break;
            default:
                throw std::runtime_error("lead_scoring: a raw feature row has a bad value tag");
        }
        if (tag & kHasCategory) {
            const uint64_t len = take_varint(bytes, at);
            if (len > bytes.size() - at) throw std::runtime_error("lead_scoring: a raw feature row is cut short");
            v.category = bytes.substr(at, len);
            at += len;
        }
    }
    if (at != bytes.size()) throw std::runtime_error("lead_scoring: a raw feature row has bytes left over");
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
