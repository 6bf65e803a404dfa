// Fit scoring: evaluates the attribute rules of every active model against
// contacts' attributes and stores the fit points, `qualified` and any threshold
// crossings that follow.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/scoring.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct ContactAttributes {
    int64_t contact_id = 0;
    Datum attributes = 0;  // detoasted jsonb
};

// What the attribute rules of the model (its index in the cache) give for these
// attributes (detoasted jsonb).
core::FitResult evaluate_fit(const RuleCache& rules, size_t model_index, Datum attributes);

// Fits `contacts` (sorted by contact_id, distinct; new, or whose attributes changed)
// in every model. When a rule edit committed while it waited for the score rows
// (an event of the contact held them), it fits under the rules as they are now.
void fit_contacts(std::shared_ptr<const RuleCache> rules, const std::vector<ContactAttributes>& contacts);

}  // namespace ls::pg
