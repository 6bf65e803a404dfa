// Citus (issue 19), SQL entry points of the shard operations (pg/shard_operations.hpp):
//   key_in_hash_range(low, high)  a shard's key in lead_scoring.shards;
//   shard_key_of(contact_id)      the key of the contact's shard (0 on one node);
//   call_in_shard(shard_key, call)  a call of rescore_totals, drop_model_rows,
//                                 recompute or run_maintenance in the shard of
//                                 shard_key (Citus runs it there for each shard).
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
