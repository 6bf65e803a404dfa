#include "pg/state_preparation.hpp"

#include <algorithm>

#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

std::vector<StoredState> lock_ready_states(const RuleCache& rules, const std::vector<int64_t>& contacts) {
    // The usual case: every contact has its rows; they are locked in one statement.
    std::vector<StoredState> states = lock_states_if_complete(rules, contacts);
    if (states.size() == rules.models.size() * contacts.size()) return states;
    // (Fewer than all, but some: rows deleted by a forget_contact this statement
    // waited for. They are created again below, as for a new contact.)

    // Some contact is new, or lacks the row of a model added since. No score row is
    // locked yet (the lock above is all or nothing): first the new contacts are
    // created (a concurrent batch creating the same one is waited for, in id order)
    // and the known ones key-share locked, then the score rows are locked in
    // (contact, model) order. Locking the known contacts' score rows first and
    // creating the new ones after deadlocked when a third transaction created one
    // of them in between.
    const std::vector<int64_t> known = lock_or_create_contacts(contacts);
    // Known contacts of a model added since: their fit in that model (the new ones
    // were fitted by the contacts trigger).
    fit_stored_contacts(rules, known, FitScope::NewStatesOnly);
    return lock_states(rules, contacts);
}

void lock_contacts_only(const std::vector<int64_t>& contacts) { (void)lock_or_create_contacts(contacts); }

}  // namespace ls::pg
