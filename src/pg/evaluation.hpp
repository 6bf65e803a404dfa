// The honest, as-of judgement evaluate and band_report rest on: each contact's
// score under the current rules, just before its first conversion if it converted
// by as_of, else at as_of, replayed from the history (nothing after that moment
// leaks in).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/points.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct JudgedContact {
    int64_t contact_id = 0;
    core::Points score;
    std::optional<core::Micros> converted_at;    // first conversion event at or before as_of
    std::optional<core::Micros> first_event_at;  // first event of any type at or before as_of
};

// Judges every contact that existed at as_of (created by then, or with an event by
// then), in contact order, a chunk at a time; calls `out` for each. Reads only.
// `after_chunk`, if given, runs after each chunk's contacts were passed to `out`,
// inside that chunk's SPI connection (a caller reads more of the same contacts).
void judge_contacts(const RuleCache& rules, const std::string& model, core::Micros as_of,
                    const std::function<void(const JudgedContact&)>& out,
                    const std::function<void()>& after_chunk = {});

}  // namespace ls::pg
