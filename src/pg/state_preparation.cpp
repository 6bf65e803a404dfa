#include "pg/state_preparation.hpp"

#include <algorithm>

#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

std::vector<StoredState> lock_ready_states(const RuleCache& rules, const std::vector<int64_t>& contacts) {
    // The usual case: every contact has its rows; they are locked in one statement.
    std::vector<StoredState> states = lock_states_if_complete(rules, contacts);
    if (!states.empty() || rules.models.empty() || contacts.empty()) return states;

    // Some contact is new, or lacks the row of a model added since. Nothing is locked
    // yet. Every batch on this path first takes all its contacts in id order, each
    // either locked or created (a concurrent batch creating the same contact is
    // waited for in that same order), and only then its score rows in (contact,
    // model) order. Locking the known contacts first and creating the new ones after
    // deadlocked when a third transaction created one of them in between.
    lock_or_create_contacts(contacts);
    // Known contacts of a model added since: their fit in that model.
    fit_stored_contacts(rules, contacts, FitScope::NewStatesOnly);
    return lock_states(rules, contacts);
}

void lock_contacts_only(const std::vector<int64_t>& contacts) { lock_or_create_contacts(contacts); }

}  // namespace ls::pg
