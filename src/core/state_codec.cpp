#include "core/state_codec.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ls::core {

namespace {

class Writer {
public:
    void put(int64_t v) {
        // zigzag: small magnitudes of either sign take few bytes
        uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
        while (u >= 0x80) {
            out_.push_back(static_cast<char>((u & 0x7f) | 0x80));
            u >>= 7;
        }
        out_.push_back(static_cast<char>(u));
    }
    void put_count(size_t n) { put(static_cast<int64_t>(n)); }
    std::string take() { return std::move(out_); }
    void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }

private:
    std::string out_;
};

class Reader {
public:
    Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
    int64_t get() {
        uint64_t u = 0;
        for (int shift = 0;; shift += 7) {
            if (p_ == end_) throw StateFormatError("contact state is cut short");
            if (shift > 63) throw StateFormatError("contact state has an over-long number");
            const uint8_t b = *p_++;
            u |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    }
    int32_t get32() {
        const int64_t v = get();
        if (v < INT32_MIN || v > INT32_MAX) throw StateFormatError("contact state has an out-of-range id or count");
        return static_cast<int32_t>(v);
    }
    size_t count() {
        const int64_t n = get();
        // every entry takes at least one byte per field: a count beyond the bytes left is corrupt
        if (n < 0 || static_cast<uint64_t>(n) > static_cast<uint64_t>(end_ - p_))
            throw StateFormatError("contact state has an impossible count");
        return static_cast<size_t>(n);
    }
    Points points() { return Points::from_units(get()); }
    bool done() const { return p_ == end_; }

private:
    const uint8_t* p_;
    const uint8_t* end_;
};

// A time as ISO 8601 UTC text ("2026-12-04T19:50:00.5Z"), from microseconds since
// 2000-01-01 UTC (days to a civil date: H. Hinnant's algorithm).
std::string iso_utc(Micros t) {
    constexpr int64_t kDay = INT64_C(86400000000);
    int64_t days = t / kDay, us = t % kDay;
    if (us < 0) {
        us += kDay;
        --days;
    }
    const int64_t z = days + 10957 + 719468;  // days since 0000-03-01
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    char buf[64];
    const int64_t secs = us / 1000000, frac = us % 1000000;
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                  static_cast<long long>(frac));
    return buf;
}

std::string encode_parts(const ContactState& s, const std::vector<Points>& scores);

void json_key(std::string& out, const char* key) {
    out += '"';
    out += key;
    out += "\": ";
}

}  // namespace

std::string encode_state(const ModelDef& model, const ContactState& s) {
    std::vector<Points> scores;
    scores.reserve(s.groups.size());
    for (const auto& g : s.groups) {
        const GroupDef* def = model.group(g.group_id);
        scores.push_back(def ? group_score(*def, g) : g.fit + g.balance);
    }
    return encode_parts(s, scores);
}

std::string encode_state(const DecodedState& d) { return encode_parts(d.state, d.group_scores); }

namespace {

std::string encode_parts(const ContactState& s, const std::vector<Points>& scores) {
    Writer w;
    w.byte(s.predictive ? kStateFormatPredictive : kStateFormat);
    w.put_count(s.groups.size());
    for (size_t i = 0; i < s.groups.size(); ++i) {
        const GroupBalance& g = s.groups[i];
        const Points score = i < scores.size() ? scores[i] : g.fit + g.balance;
        w.put(g.group_id);
        w.put(g.fit.units());
        w.put(g.balance.units());
        w.put(g.decay_steps);
        w.put(score.units());
    }
    w.put_count(s.fit.size());
    for (const auto& f : s.fit) {
        w.put(f.rule_id);
        w.put(f.group_id);
        w.put(f.points.units());
    }
    w.put_count(s.limits.size());
    for (const auto& l : s.limits) {
        w.put(l.rule_id);
        w.put(l.awards);
        w.put(l.last_award_at);
    }
    if (s.predictive) {
        w.put(s.predictive->fit_id);
        w.put_count(s.predictive->counts.size());
        for (int64_t c : s.predictive->counts) w.put(c);
        int64_t bits;
        std::memcpy(&bits, &s.predictive->attribute_logit, sizeof bits);
        w.put(bits);
    }
    return w.take();
}

}  // namespace

DecodedState decode_state(const uint8_t* data, size_t size) {
    if (size == 0) throw StateFormatError("contact state is empty");
    if (data[0] != kStateFormat && data[0] != kStateFormatPredictive)
        throw StateFormatError("contact state has format version " + std::to_string(data[0]) + "; this library reads " +
                               std::to_string(kStateFormat) + " and " + std::to_string(kStateFormatPredictive));
    const bool predictive = data[0] == kStateFormatPredictive;
    Reader r(data + 1, size - 1);
    DecodedState d;
    ContactState& s = d.state;
    const size_t groups = r.count();
    s.groups.reserve(groups);
    d.group_scores.reserve(groups);
    for (size_t i = 0; i < groups; ++i) {
        GroupBalance g;
        g.group_id = r.get32();
        g.fit = r.points();
        g.balance = r.points();
        g.decay_steps = r.get();
        s.groups.push_back(g);
        d.group_scores.push_back(r.points());
    }
    const size_t fits = r.count();
    s.fit.reserve(fits);
    for (size_t i = 0; i < fits; ++i) {
        FitMatch f;
        f.rule_id = r.get();
        f.group_id = r.get32();
        f.points = r.points();
        s.fit.push_back(f);
    }
    const size_t limits = r.count();
    s.limits.reserve(limits);
    for (size_t i = 0; i < limits; ++i) {
        RuleLimit l;
        l.rule_id = r.get();
        l.awards = r.get32();
        l.last_award_at = r.get();
        s.limits.push_back(l);
    }
    if (predictive) {
        PredictiveState p;
        p.fit_id = r.get();
        const size_t n = r.count();
        p.counts.reserve(n);
        for (size_t i = 0; i < n; ++i) p.counts.push_back(r.get());
        const int64_t bits = r.get();
        std::memcpy(&p.attribute_logit, &bits, sizeof bits);
        s.predictive = std::move(p);
    }
    if (!r.done()) throw StateFormatError("contact state has trailing bytes");
    return d;
}

std::string state_to_json(const DecodedState& d) {
    // Points as decimals, times as ISO 8601 UTC text.
    const ContactState& s = d.state;
    std::string out = "{";
    json_key(out, "format");
    out += std::to_string(s.predictive ? kStateFormatPredictive : kStateFormat);
    out += ", ";
    json_key(out, "groups");
    out += '[';
    for (size_t i = 0; i < s.groups.size(); ++i) {
        const GroupBalance& g = s.groups[i];
        if (i) out += ", ";
        out += "{\"group_id\": " + std::to_string(g.group_id) + ", \"score\": " + d.group_scores[i].to_string() +
               ", \"fit\": " + g.fit.to_string() + ", \"balance\": " + g.balance.to_string() +
               ", \"decay_steps\": " + std::to_string(g.decay_steps) + "}";
    }
    out += "], ";
    json_key(out, "fit");
    out += '[';
    for (size_t i = 0; i < s.fit.size(); ++i) {
        const FitMatch& f = s.fit[i];
        if (i) out += ", ";
        out += "{\"rule_id\": " + std::to_string(f.rule_id) + ", \"group_id\": " + std::to_string(f.group_id) +
               ", \"points\": " + f.points.to_string() + "}";
    }
    out += "], ";
    json_key(out, "limits");
    out += '[';
    for (size_t i = 0; i < s.limits.size(); ++i) {
        const RuleLimit& l = s.limits[i];
        if (i) out += ", ";
        out += "{\"rule_id\": " + std::to_string(l.rule_id) + ", \"awards\": " + std::to_string(l.awards) +
               ", \"last_award_at\": \"" + iso_utc(l.last_award_at) + "\"}";
    }
    out += "]";
    if (s.predictive) {
        out += ", ";
        json_key(out, "predictive");
        out += "{\"fit_id\": " + std::to_string(s.predictive->fit_id) + ", \"counts\": [";
        for (size_t i = 0; i < s.predictive->counts.size(); ++i)
            out += (i ? ", " : "") + std::to_string(s.predictive->counts[i]);
        char logit[64];
        std::snprintf(logit, sizeof logit, "%.17g", s.predictive->attribute_logit);
        out += std::string("], \"attribute_logit\": ") + (std::isfinite(s.predictive->attribute_logit) ? logit : "null") + "}";
    }
    out += "}";
    return out;
}

}  // namespace ls::core
