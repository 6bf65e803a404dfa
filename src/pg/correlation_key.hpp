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

// Compares what a state's rows of a side table were when loaded (`before`) with what
// they are now (`after`), both sorted by `less` (by rule and correlation), so that the
// store writes only the difference: `gone(row)` for each loaded row that is no longer
// there, `now(row, loaded)` for each current row, with the loaded row of the same key
// or null for a new one.
template <typename Row, typename Less, typename Gone, typename Now>
void walk_changes(const std::vector<Row>& before, const std::vector<Row>& after, Less less, Gone gone, Now now) {
    size_t i = 0, j = 0;
    while (i < before.size() || j < after.size()) {
        if (j == after.size() || (i < before.size() && less(before[i], after[j]))) {
            gone(before[i++]);
            continue;
        }
        const bool stored = i < before.size() && !less(after[j], before[i]);
        now(after[j], stored ? &before[i] : nullptr);
        if (stored) ++i;
        ++j;
    }
}

}  // namespace ls::pg
