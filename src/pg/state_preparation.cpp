#include "pg/state_preparation.hpp"

#include <algorithm>

#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

std::vector<StoredState> lock_ready_states(const RuleCache& rules, const std::vector<int64_t>& contacts) {
    std::vector<StoredState> states = lock_states_existing(rules, contacts);
    if (states.size() == rules.models.size() * contacts.size()) return states;  // the usual case

    std::vector<int64_t> incomplete;
    size_t i = 0;
    for (int64_t c : contacts) {
        size_t rows = 0;
        while (i < states.size() && states[i].contact_id == c) ++i, ++rows;
        if (rows < rules.models.size()) incomplete.push_back(c);
    }
    // New contacts: inserting them fires the contacts trigger, which fits them.
    create_contacts(missing_contacts(incomplete));
    // Known contacts of a model added since: give them their fit in that model.
    fit_stored_contacts(rules, incomplete, FitScope::NewStatesOnly);

    states.erase(std::remove_if(states.begin(), states.end(),
                                [&](const StoredState& s) {
                                    return std::binary_search(incomplete.begin(), incomplete.end(), s.contact_id);
                                }),
                 states.end());
    std::vector<StoredState> completed = lock_states(rules, incomplete);
    for (auto& s : completed) states.push_back(std::move(s));
    std::stable_sort(states.begin(), states.end(),
                     [](const StoredState& a, const StoredState& b) { return a.contact_id < b.contact_id; });
    return states;
}

void lock_contacts_only(const std::vector<int64_t>& contacts) {
    create_contacts(missing_contacts(contacts));
    static Statement s(
        "SELECT 1 FROM lead_scoring.contacts k"
        " WHERE k.contact_id OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])"
        " ORDER BY k.contact_id FOR KEY SHARE",
        {INT8ARRAYOID});
    Datum args[1] = {int8_array(contacts)};
    s.run(args, nullptr);
}

}  // namespace ls::pg
