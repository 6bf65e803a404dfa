// Before a contact can be scored it must exist, have a fitted score row in every
// active model, and that row must be locked against concurrent scoring and erasure.
#pragma once
#include <cstdint>
#include <vector>

#include "pg/rule_cache.hpp"
#include "pg/state_store.hpp"

namespace ls::pg {

// Creates the contacts that do not exist and the score rows that are missing, and
// returns every state of `contacts` (sorted, distinct) locked, sorted by (contact,
// model). A state created here carries in pending_fit the fit of its contact's
// attributes: the caller applies it first (ContactScorer::on_fit). Rows are locked
// in (contact, model) order by every caller, so concurrent batches do not deadlock.
// `actor`: the role the statement scores for (the attribute history of the contacts
// it creates names it).
std::vector<StoredState> lock_ready_states(const RuleCache& rules, const std::vector<int64_t>& contacts, Oid actor);

// With no active model there is no state to lock: creates missing contacts and
// key-share locks them (lock_or_create_contacts), so that forget_contact waits for
// the statement's transaction instead of missing its events.
void lock_contacts_only(const std::vector<int64_t>& contacts, Oid actor);

}  // namespace ls::pg
