// AFTER INSERT / AFTER UPDATE ... FOR EACH STATEMENT on lead_scoring.contacts:
// keeps the attribute history of new contacts and of contacts whose attributes
// changed, and fits them.
#include <algorithm>

#include "pg/attribute_history.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/placement.hpp"
#include "pg/privileges.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"
#include "pg/transition_table.hpp"

namespace {

using ls::pg::ContactAttributes;

// The rows of a transition table: id and attributes, and (`times`, when given) each
// row's updated_at, in the same order.
std::vector<ContactAttributes> read_contacts(Tuplestorestate* store, TupleDesc desc,
                                             std::vector<TimestampTz>* times = nullptr) {
    ls::pg::TransitionReader rows(store, desc);
    const int col_id = rows.attnum("contact_id");
    const int col_attrs = rows.attnum("attributes");
    const int col_updated = rows.attnum("updated_at");
    std::vector<ContactAttributes> out;
    while (rows.next()) {
        bool isnull;
        ContactAttributes c;
        c.contact_id = DatumGetInt64(rows.value(col_id, &isnull));
        Datum raw = rows.value(col_attrs, &isnull);
        c.attributes = ls::pg::call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM_COPY(raw)); });
        if (times) times->push_back(DatumGetTimestampTz(rows.value(col_updated, &isnull)));
        out.push_back(c);
    }
    return out;
}

void sort_by_contact(std::vector<ContactAttributes>& contacts) {
    std::sort(contacts.begin(), contacts.end(),
              [](const ContactAttributes& a, const ContactAttributes& b) { return a.contact_id < b.contact_id; });
}

bool same_jsonb(Datum a, Datum b) {
    return ls::pg::call([&]() -> bool { return DatumGetBool(DirectFunctionCall2(jsonb_eq, a, b)); });
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_fit_new_contacts);
Datum lead_scoring_fit_new_contacts(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        TriggerData* trigger = ls::pg::statement_trigger_data(fcinfo, "fit_new_contacts", false);
        // Contacts the events path creates get their history and fit from it, in the
        // same pass as their events (pg/state_store.cpp, pg/state_preparation.cpp).
        if (ls::pg::creating_contacts()) return PointerGetDatum(nullptr);
        const ls::pg::PlacementScope placement(trigger->tg_relation, "contacts");  // on Citus (pg/placement.hpp)
        ls::pg::as_extension_owner(fcinfo, [&](Oid caller) {
            ls::pg::connect();
            std::vector<TimestampTz> times;
            std::vector<ContactAttributes> contacts =
                read_contacts(trigger->tg_newtable, trigger->tg_relation->rd_att, &times);
            std::vector<ls::pg::AttributeChange> history;
            for (size_t i = 0; i < contacts.size(); ++i)
                history.push_back(ls::pg::AttributeChange{contacts[i].contact_id, times[i], contacts[i].attributes});
            ls::pg::append_attribute_history(history, caller);
            if (!contacts.empty()) {
                sort_by_contact(contacts);
                auto rules = ls::pg::current_rules();
                ls::pg::fit_contacts(rules, contacts);
            }
            ls::pg::finish();
        });
        return PointerGetDatum(nullptr);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_fit_changed_contacts);
Datum lead_scoring_fit_changed_contacts(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        TriggerData* trigger = ls::pg::statement_trigger_data(fcinfo, "fit_changed_contacts", true);
        const ls::pg::PlacementScope placement(trigger->tg_relation, "contacts");  // on Citus (pg/placement.hpp)
        ls::pg::as_extension_owner(fcinfo, [&](Oid caller) {
            ls::pg::connect();
            TupleDesc desc = trigger->tg_relation->rd_att;
            std::vector<ContactAttributes> before = read_contacts(trigger->tg_oldtable, desc);
            std::vector<TimestampTz> times;
            std::vector<ContactAttributes> after = read_contacts(trigger->tg_newtable, desc, &times);
            // contact_id cannot change (touch_contact refuses it), so both sides pair up by id.
            std::vector<size_t> order(after.size());
            for (size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::sort(order.begin(), order.end(),
                      [&](size_t a, size_t b) { return after[a].contact_id < after[b].contact_id; });
            sort_by_contact(before);
            std::vector<ContactAttributes> changed;
            std::vector<ls::pg::AttributeChange> history;
            for (size_t k = 0; k < order.size(); ++k) {
                const ContactAttributes& now = after[order[k]];
                if (k >= before.size() || before[k].contact_id != now.contact_id ||
                    !same_jsonb(before[k].attributes, now.attributes)) {
                    changed.push_back(now);
                    history.push_back(ls::pg::AttributeChange{now.contact_id, times[order[k]], now.attributes});
                }
            }
            ls::pg::append_attribute_history(history, caller);
            if (!changed.empty()) {
                auto rules = ls::pg::current_rules();
                ls::pg::fit_contacts(rules, changed);
            }
            ls::pg::finish();
        });
        return PointerGetDatum(nullptr);
    });
}
}
