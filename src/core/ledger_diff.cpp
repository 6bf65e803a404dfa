#include "core/ledger_diff.hpp"

#include <unordered_map>

namespace ls::core {

LedgerDiff diff_rows(const std::vector<std::string>& old_keys, const std::vector<std::string>& new_keys) {
    std::unordered_multimap<std::string, size_t> unmatched_old;
    unmatched_old.reserve(old_keys.size());
    for (size_t i = 0; i < old_keys.size(); ++i) unmatched_old.emplace(old_keys[i], i);
    LedgerDiff diff;
    for (size_t i = 0; i < new_keys.size(); ++i) {
        auto it = unmatched_old.find(new_keys[i]);
        if (it == unmatched_old.end()) {
            diff.insert_new.push_back(i);
        } else {
            unmatched_old.erase(it);
        }
    }
    for (const auto& [key, index] : unmatched_old) diff.delete_old.push_back(index);
    return diff;
}

}  // namespace ls::core
