// An operator's changes to one contact's score: adjust (ledger kind manual) and
// reset (kind reset). Caps, clamp and threshold crossings apply as with events.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/points.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct ManualChange {
    std::string model;
    int64_t contact_id = 0;
    std::string reason;
    std::optional<std::string> point_group;  // none: the default group (adjust) or every group (reset)
    Oid actor = InvalidOid;
};

// Both return the contact's new total score in the model.
core::Points adjust_score(const RuleCache& rules, const ManualChange& change, core::Points points);
core::Points reset_score(const RuleCache& rules, const ManualChange& change);

}  // namespace ls::pg
