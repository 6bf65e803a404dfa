#include "core/points.hpp"

#include <cstdlib>

namespace ls::core {

namespace {
[[noreturn]] void overflow(const char* op) {
    throw PointsError(PointsError::Kind::Overflow, std::string("points out of range in ") + op);
}
}  // namespace

Points Points::from_int(int64_t whole) {
    if (whole > kMaxUnits / kScale || whole < -kMaxUnits / kScale) overflow("conversion");
    return Points(whole * kScale);
}

Points Points::parse(std::string_view text) {
    const std::string shown(text);
    auto invalid = [&](const char* why) -> PointsError {
        return PointsError(PointsError::Kind::Invalid, "invalid points value \"" + shown + "\": " + why);
    };
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    if (i >= text.size()) throw invalid("not a number");
    if (text.substr(i) == "NaN" || text.substr(i) == "Infinity" || text.substr(i) == "inf")
        throw invalid("points must be a finite number");
    int64_t whole = 0;
    bool digits = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        digits = true;
        if (whole > kMaxUnits / kScale)
            throw PointsError(PointsError::Kind::Overflow, "points value \"" + shown + "\" is out of range");
        whole = whole * 10 + (text[i] - '0');
    }
    int64_t frac = 0;
    int frac_digits = 0;
    if (i < text.size() && text[i] == '.') {
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            digits = true;
            if (frac_digits < kDecimals) {
                frac = frac * 10 + (text[i] - '0');
                ++frac_digits;
            } else if (text[i] != '0') {
                throw invalid("at most 4 decimal places are kept");
            }
        }
    }
    if (!digits || i != text.size()) throw invalid("not a plain decimal number");
    for (; frac_digits < kDecimals; ++frac_digits) frac *= 10;
    const int64_t units = whole * kScale + frac;
    if (units > kMaxUnits)
        throw PointsError(PointsError::Kind::Overflow, "points value \"" + shown + "\" is out of range");
    return Points(negative ? -units : units);
}

std::string Points::to_string() const {
    const bool negative = units_ < 0;
    const uint64_t magnitude = negative ? uint64_t(0) - uint64_t(units_) : uint64_t(units_);
    std::string out = std::to_string(magnitude / kScale);
    uint64_t frac = magnitude % kScale;
    if (frac != 0) {
        std::string digits = std::to_string(frac);
        digits.insert(0, kDecimals - digits.size(), '0');
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        out += "." + digits;
    }
    return negative ? "-" + out : out;
}

Points Points::operator+(Points o) const {
    int64_t r;
    if (__builtin_add_overflow(units_, o.units_, &r)) overflow("addition");
    return Points(r);
}

Points Points::operator-(Points o) const {
    int64_t r;
    if (__builtin_sub_overflow(units_, o.units_, &r)) overflow("subtraction");
    return Points(r);
}

Points Points::scaled(int64_t num, int64_t den) const {
    if (den <= 0) throw PointsError(PointsError::Kind::Invalid, "scale denominator must be positive");
    __int128 product = static_cast<__int128>(units_) * num;
    __int128 q = product / den;
    __int128 rem = product % den;
    if (rem != 0 && 2 * (rem < 0 ? -rem : rem) >= den) q += product < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) overflow("multiplication");
    return Points(static_cast<int64_t>(q));
}

}  // namespace ls::core
