// What recompute must change in a contact's stored ledger rows so that they become
// the rows the replay produced: rows that would be written identically stay as
// they are (with their entry id, time and actor); only the others are deleted and
// inserted. Rows are compared by a key the caller builds from their content.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace ls::core {

struct LedgerDiff {
    std::vector<size_t> delete_old;  // indexes into the old rows
    std::vector<size_t> insert_new;  // indexes into the new rows
};

// Matches equal keys one to one (a key may repeat: two equal awards of one event
// in one group cannot happen, but two equal manual entries can).
LedgerDiff diff_rows(const std::vector<std::string>& old_keys, const std::vector<std::string>& new_keys);

}  // namespace ls::core
