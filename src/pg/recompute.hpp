// recompute(): rebuilds a model's score rows and ledger from the contacts' history
// under the current rules, a chunk of contacts at a time.
#pragma once
#include <cstdint>
#include <string>

#include "pg/rule_cache.hpp"

namespace ls::pg {

struct RecomputeRange {
    int64_t first = INT64_MIN;  // contact ids, inclusive
    int64_t last = INT64_MAX;
};

// Rebuilds the score rows of the model for every contact (of lead_scoring.contacts)
// in the range, in contact order, a chunk at a time (core/chunk_sizer.hpp): each chunk is
// locked (score rows in (contact, model) order, as live scoring locks them), read,
// replayed and written before the next is read, so memory depends on the chunk, not
// on the number of contacts. `actor` is the caller (the ledger's actor of the rows
// recompute writes for rules, decay and expiry). Returns the contacts rebuilt.
int64_t recompute_model(const RuleCache& rules, const std::string& model, RecomputeRange range, Oid actor);

}  // namespace ls::pg
