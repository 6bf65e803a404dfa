#include "pg/state_preparation.hpp"

#include <algorithm>

#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/predictive_live.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

// The fit each state created by this statement starts with, from its contact's
// stored attributes (empty for a contact just created; a known contact lacks the
// row of a model added since).
void plan_fits(const RuleCache& rules, std::vector<StoredState>& states) {
    std::vector<int64_t> ids;
    for (const auto& st : states)
        if (st.is_new && (ids.empty() || ids.back() != st.contact_id)) ids.push_back(st.contact_id);
    if (ids.empty()) return;
    static Statement s(
        "SELECT contact_id, attributes FROM lead_scoring.contacts"
        " WHERE contact_id OPERATOR(pg_catalog.=) ANY ($1) ORDER BY contact_id",
        {INT8ARRAYOID});
    Datum args[1] = {int8_array(ids)};
    const uint64 n = s.run(args, nullptr);
    uint64 r = 0;
    for (auto& st : states) {  // both sorted by contact
        if (!st.is_new) continue;
        while (r < n && column_int64(r, 1) < st.contact_id) ++r;
        if (r == n || column_int64(r, 1) != st.contact_id) continue;  // erased meanwhile: scored as it is
        size_t mi = 0;
        while (rules.models[mi].id != st.model_id) ++mi;
        bool isnull;
        const Datum attributes = column(r, 2, &isnull);
        const Datum detoasted = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(attributes)); });
        st.pending_fit = evaluate_fit(rules, mi, detoasted);
        st.state.predictive = fresh_predictive_state(rules, mi, detoasted);
    }
}

}  // namespace

std::vector<StoredState> lock_ready_states(const RuleCache& rules, const std::vector<int64_t>& contacts, Oid actor) {
    // The usual case: every contact has its rows; they are locked in one statement.
    std::vector<StoredState> states = lock_states_if_complete(rules, contacts);
    if (states.size() == rules.models.size() * contacts.size()) return states;
    // (Fewer than all, but some: rows deleted by a forget_contact this statement
    // waited for. They are created again below, as for a new contact.)

    // Some contact is new, or lacks the row of a model added since. No score row is
    // locked yet (the lock above is all or nothing): first the new contacts are
    // created (a concurrent batch creating the same one is waited for, in id order)
    // and the known ones key-share locked, then the missing score rows are created
    // and all locked in (contact, model) order. Locking the known contacts' score
    // rows first and creating the new ones after deadlocked when a third
    // transaction created one of them in between.
    // One pass: the contacts trigger leaves the contacts created here alone, and
    // each state created here carries its fit (pending_fit) for the caller's scorer.
    lock_or_create_contacts(contacts, actor);
    states = lock_states(rules, contacts);
    plan_fits(rules, states);
    return states;
}

void lock_contacts_only(const std::vector<int64_t>& contacts, Oid actor) {
    lock_or_create_contacts(contacts, actor);
}

}  // namespace ls::pg
