// A rule's per-contact state for one correlation value (combination sets, absence
// deadlines) is found by this key: contact first, as the tables are keyed.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace ls::pg {

struct CorrelationKey {
    int64_t contact_id = 0;
    int32_t model_id = 0;
    int64_t rule_id = 0;
    std::string correlation;

    auto tied() const { return std::tie(contact_id, model_id, rule_id, correlation); }
};

// Sorts the keys and drops duplicates.
inline void sort_unique(std::vector<CorrelationKey>& keys) {
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.tied() < b.tied(); });
    keys.erase(std::unique(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.tied() == b.tied(); }),
               keys.end());
}

}  // namespace ls::pg
