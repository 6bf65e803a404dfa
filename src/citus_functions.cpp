// Citus (issue 19), SQL entry points of the shard operations (pg/shard_operations.hpp):
//   key_in_hash_range(low, high)  a shard's key in lead_scoring.shards;
//   shard_key_of(contact_id)      the key of the contact's shard (0 on one node);
//   call_in_shard(shard_key, call)  a call of rescore_totals, drop_model_rows,
//                                 recompute or run_maintenance in the shard of
//                                 shard_key (Citus runs it there for each shard);
//   on_drop_extension()           the event trigger that drops the shards before
//                                 DROP EXTENSION lead_scoring drops the tables.
#include <cstring>

#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "nodes/parsenodes.h"
}

namespace {

// Does this DROP EXTENSION name lead_scoring?
bool drops_this_extension(Node* parsetree) {
    if (parsetree == nullptr || !IsA(parsetree, DropStmt)) return false;
    const DropStmt* drop = reinterpret_cast<const DropStmt*>(parsetree);
    if (drop->removeType != OBJECT_EXTENSION) return false;
    ListCell* cell;
    foreach (cell, drop->objects) {
        Node* name = static_cast<Node*>(lfirst(cell));
        if (IsA(name, String) && std::strcmp(strVal(name), "lead_scoring") == 0) return true;
    }
    return false;
}

}  // namespace

extern "C" {

PG_FUNCTION_INFO_V1(lead_scoring_key_in_hash_range);
Datum lead_scoring_key_in_hash_range(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        return Int64GetDatum(ls::pg::key_in_hash_range(PG_GETARG_INT32(0), PG_GETARG_INT32(1)));
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_call_in_shard);
Datum lead_scoring_call_in_shard(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int64 shard_key = PG_GETARG_INT64(0);
        const std::string call = ls::pg::text_value(PG_GETARG_DATUM(1));
        ls::pg::connect();
        const int64_t result = ls::pg::call_in_shard(shard_key, call);
        ls::pg::finish();
        return Int64GetDatum(result);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_shard_key_of);
Datum lead_scoring_shard_key_of(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int64 contact_id = PG_GETARG_INT64(0);
        ls::pg::connect();
        const int64_t key = ls::pg::shard_key_of(contact_id);
        ls::pg::finish();
        return Int64GetDatum(key);
    });
}

// Citus leaves the shards of an extension's tables on the workers (and the
// coordinator's placements of the reference tables) when DROP EXTENSION drops the
// tables: before it does, lead_scoring.drop_shards() drops them on a coordinator,
// in the same transaction.
PG_FUNCTION_INFO_V1(lead_scoring_on_drop_extension);
Datum lead_scoring_on_drop_extension(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
            throw ls::pg::SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                                   "lead_scoring: on_drop_extension must be called as an event trigger");
        const EventTriggerData* event = reinterpret_cast<EventTriggerData*>(fcinfo->context);
        if (!drops_this_extension(event->parsetree)) return Datum(0);
        ls::pg::connect();
        ls::pg::run_sql("SELECT lead_scoring.drop_shards()", false);
        ls::pg::finish();
        return Datum(0);
    });
}
}
