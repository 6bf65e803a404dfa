// The lists SQL takes from the code, so that each is written once:
//   rule_tables()   the tables whose changes invalidate the rule cache (pg/rule_tables.hpp);
//                   the rules_changed trigger is created on each of them
//   ledger_kinds([names_event_rule])  the ledger's kinds (core/ledger_change.hpp): the
//                   ledger's CHECK constraint, and explain's join with event rule names
#include "core/ledger_change.hpp"
#include "pg/datum.hpp"
#include "pg/rule_tables.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_rule_tables);
Datum lead_scoring_rule_tables(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        std::vector<Datum> names;
        for (const char* t : ls::pg::kRuleTables) names.push_back(ls::pg::text_datum(t));
        return ls::pg::make_array(names, {}, TEXTOID);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_ledger_kinds);
Datum lead_scoring_ledger_kinds(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        // null: every kind; true/false: the kinds whose rule_id does/does not name an event rule
        const bool filtered = !PG_ARGISNULL(0);
        const bool names_event_rule = filtered && PG_GETARG_BOOL(0);
        std::vector<Datum> kinds;
        for (const auto& k : ls::core::kLedgerKinds)
            if (!filtered || k.names_event_rule == names_event_rule) kinds.push_back(ls::pg::text_datum(k.name));
        return ls::pg::make_array(kinds, {}, TEXTOID);
    });
}
}
