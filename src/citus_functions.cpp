// Citus (issue 19), SQL entry points of the shard operations (pg/shard_operations.hpp):
//   key_in_hash_range(low, high)  a shard's key in lead_scoring.shards;
//   shard_key_of(contact_id)      the key of the contact's shard (0 on one node);
//   call_in_shard(shard_key, call)  a call of rescore_totals, recompute or
//                                 run_maintenance in the shard of shard_key (Citus runs
//                                 it there for each shard);
//   drop_model_rows_in_shard(shard_key, model_id)  a deleted model's rows, in each shard.
#include "pg/ledger_guard.hpp"
#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"

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

PG_FUNCTION_INFO_V1(lead_scoring_drop_model_rows_in_shard);
Datum lead_scoring_drop_model_rows_in_shard(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int64 shard_key = PG_GETARG_INT64(0);
        const int32 model_id = PG_GETARG_INT32(1);
#define LS_DELETE(table) \
    ls::pg::Statement("DELETE FROM lead_scoring." table " WHERE model_id OPERATOR(pg_catalog.=) $1", {INT4OID})
        static ls::pg::Statement deletes[] = {LS_DELETE("contact_scores"), LS_DELETE("contact_score_keys"),
                                              LS_DELETE("window_awards"), LS_DELETE("combination_sets"),
                                              LS_DELETE("absence_deadlines")};
#undef LS_DELETE
        uint64 rows = 0;
        ls::pg::connect();
        {
            const ls::pg::PlacementScope placement(shard_key);
            const ls::pg::ModelDrop guard(model_id);
            Datum args[1] = {Int32GetDatum(model_id)};
            for (auto& d : deletes) rows += d.run(args, nullptr);
        }
        ls::pg::finish();
        return Int64GetDatum(static_cast<int64>(rows));
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
}
