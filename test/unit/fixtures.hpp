// Helpers the core's unit tests share: points from text, time units, printing
// Points in Boost's messages, and a rule of the one-group test models (group 10).
#pragma once
#include <cstdint>
#include <ostream>

#include "core/model.hpp"
#include "core/points.hpp"

namespace ls::core {
inline std::ostream& operator<<(std::ostream& out, Points p) { return out << p.to_string(); }
}  // namespace ls::core

namespace fixtures {
using ls::core::Micros;
inline ls::core::Points P(const char* s) { return ls::core::Points::parse(s); }
constexpr Micros kHour = INT64_C(3600000000);
constexpr Micros kDay = 24 * kHour;

// A rule of model 1 awarding `points` into group 10.
inline ls::core::EventRuleDef rule(int64_t id, const char* points) {
    ls::core::EventRuleDef r;
    r.id = id;
    r.model_id = 1;
    r.group_id = 10;
    r.points = P(points);
    return r;
}
}  // namespace fixtures
