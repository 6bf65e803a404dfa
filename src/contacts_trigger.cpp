// AFTER INSERT / AFTER UPDATE ... FOR EACH STATEMENT on lead_scoring.contacts:
// fits new contacts, and contacts whose attributes changed.
#include <algorithm>

#include "pg/fit_scoring.hpp"
#include "pg/privileges.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"
#include "pg/transition_table.hpp"

namespace {

using ls::pg::ContactAttributes;

std::vector<ContactAttributes> read_contacts(Tuplestorestate* store, TupleDesc desc) {
    ls::pg::TransitionReader rows(store, desc);
    const int col_id = rows.attnum("contact_id");
    const int col_attrs = rows.attnum("attributes");
    std::vector<ContactAttributes> out;
    while (rows.next()) {
        bool isnull;
        ContactAttributes c;
        c.contact_id = DatumGetInt64(rows.value(col_id, &isnull));
        Datum raw = rows.value(col_attrs, &isnull);
        c.attributes = ls::pg::call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM_COPY(raw)); });
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
        // Contacts the events path creates are fitted by it, in the same pass as
        // their events (pg/state_preparation.cpp).
        if (ls::pg::creating_contacts()) return PointerGetDatum(nullptr);
        ls::pg::as_extension_owner(fcinfo, [&](Oid) {
            ls::pg::connect();
            std::vector<ContactAttributes> contacts = read_contacts(trigger->tg_newtable, trigger->tg_relation->rd_att);
            if (!contacts.empty()) {
                sort_by_contact(contacts);
                auto rules = ls::pg::current_rules();
                ls::pg::fit_contacts(*rules, contacts, ls::pg::FitScope::AllStates);
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
        ls::pg::as_extension_owner(fcinfo, [&](Oid) {
            ls::pg::connect();
            TupleDesc desc = trigger->tg_relation->rd_att;
            std::vector<ContactAttributes> before = read_contacts(trigger->tg_oldtable, desc);
            std::vector<ContactAttributes> after = read_contacts(trigger->tg_newtable, desc);
            // contact_id cannot change (touch_contact refuses it), so both sides pair up by id.
            sort_by_contact(before);
            sort_by_contact(after);
            std::vector<ContactAttributes> changed;
            for (size_t i = 0; i < after.size(); ++i)
                if (i >= before.size() || before[i].contact_id != after[i].contact_id ||
                    !same_jsonb(before[i].attributes, after[i].attributes))
                    changed.push_back(after[i]);
            if (!changed.empty()) {
                auto rules = ls::pg::current_rules();
                ls::pg::fit_contacts(*rules, changed, ls::pg::FitScope::AllStates);
            }
            ls::pg::finish();
        });
        return PointerGetDatum(nullptr);
    });
}
}
