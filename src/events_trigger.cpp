// AFTER INSERT ... FOR EACH STATEMENT on lead_scoring.events: scores the batch.
#include "pg/event_scoring.hpp"
#include "pg/placement.hpp"
#include "pg/privileges.hpp"
#include "pg/spi.hpp"
#include "pg/transition_table.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_score_new_events);
Datum lead_scoring_score_new_events(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        TriggerData* trigger = ls::pg::statement_trigger_data(fcinfo, "score_new_events", false);
        // On Citus, fired on a shard of events: scores against its co-located shards.
        const ls::pg::PlacementScope placement(trigger->tg_relation, "events");
        // (score_new_events connects to SPI for each chunk of events itself)
        ls::pg::as_extension_owner(fcinfo, [&](Oid caller) { ls::pg::score_new_events(trigger, caller); });
        return PointerGetDatum(nullptr);
    });
}
}
