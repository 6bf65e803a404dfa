// Points: an exact decimal with four fractional digits, kept as a 64-bit count of
// ten-thousandths. Scores must add up exactly (explain's rows sum to the score), so
// no floating point is used anywhere a score is stored or compared.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ls::core {

// Thrown when a value cannot be represented (too many decimals, NaN, infinity,
// overflow). The adapter maps it to SQLSTATE 22003 / 22023.
struct PointsError : std::runtime_error {
    enum class Kind { Overflow, Invalid };
    Kind kind;
    PointsError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
};

class Points {
public:
    static constexpr int kDecimals = 4;
    static constexpr int64_t kScale = 10000;
    // Largest magnitude accepted from text: keeps every sum of a few million
    // values far from int64 overflow, and is still far beyond any real score.
    static constexpr int64_t kMaxUnits = INT64_C(1000000000000000000) / 10;  // 1e13 points

    constexpr Points() = default;
    static constexpr Points from_units(int64_t units) { return Points(units); }
    static Points from_int(int64_t whole);
    // Parses PostgreSQL numeric text ("12", "-0.5", "3.2500"). Refuses NaN,
    // Infinity, exponents, more than four significant decimals and huge values.
    static Points parse(std::string_view text);

    constexpr int64_t units() const { return units_; }
    // Shortest exact decimal text: "12", "-0.5", "0.0001".
    std::string to_string() const;

    Points operator+(Points o) const;
    Points operator-(Points o) const;
    Points operator-() const { return Points(-units_); }
    Points& operator+=(Points o) { return *this = *this + o; }
    Points& operator-=(Points o) { return *this = *this - o; }
    // Multiplies by factor_num / factor_den, rounding half away from zero.
    Points scaled(int64_t factor_num, int64_t factor_den) const;

    constexpr bool operator==(Points o) const { return units_ == o.units_; }
    constexpr bool operator!=(Points o) const { return units_ != o.units_; }
    constexpr bool operator<(Points o) const { return units_ < o.units_; }
    constexpr bool operator<=(Points o) const { return units_ <= o.units_; }
    constexpr bool operator>(Points o) const { return units_ > o.units_; }
    constexpr bool operator>=(Points o) const { return units_ >= o.units_; }

private:
    constexpr explicit Points(int64_t units) : units_(units) {}
    int64_t units_ = 0;
};

inline Points min(Points a, Points b) { return a < b ? a : b; }
inline Points max(Points a, Points b) { return a < b ? b : a; }

}  // namespace ls::core
