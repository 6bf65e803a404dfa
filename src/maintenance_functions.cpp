// run_maintenance(as_of) and maintenance_batch(as_of, batch_size): decay steps and
// window expiries due at a time. run_maintenance does every batch in the caller's
// transaction; the background worker calls maintenance_batch, one transaction each.
#include <optional>

#include "pg/datum.hpp"
#include "pg/extension_version.hpp"
#include "pg/maintenance.hpp"
#include "pg/privileges.hpp"
#include "pg/settings.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"

namespace {

using ls::pg::SqlError;

TimestampTz required_time(FunctionCallInfo fcinfo, const char* function) {
    if (PG_ARGISNULL(0))
        throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(function) + ": as_of must not be null");
    const TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(0);
    ls::pg::require_scoring_time(as_of, std::string(function) + ": as_of");
    return as_of;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_run_maintenance);
Datum lead_scoring_run_maintenance(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const TimestampTz as_of = required_time(fcinfo, "run_maintenance");
        // On Citus, in every shard (pg/shard_operations.hpp), as the caller.
        ls::pg::connect();
        ls::pg::require_matching_sql();
        const std::optional<int64_t> in_shards = ls::pg::ran_in_every_shard(fcinfo);
        ls::pg::finish();
        if (in_shards) return Int64GetDatum(*in_shards);
        const int64 batch_size = ls::pg::maintenance_batch_size;
        const int64 changed = ls::pg::as_extension_owner(fcinfo, [&](Oid caller) -> int64 {
            int64 total = 0;
            std::optional<ls::pg::DueKey> after;
            for (;;) {
                ls::pg::call([] { CHECK_FOR_INTERRUPTS(); });
                // One SPI connection per batch: finishing it frees what the batch read,
                // so memory does not grow with the number of batches.
                ls::pg::connect();
                auto rules = ls::pg::current_rules();
                const ls::pg::MaintenanceBatch batch =
                    ls::pg::maintenance_batch(*rules, as_of, batch_size, after, caller);
                ls::pg::finish();
                total += batch.balances;
                after = batch.last;
                // A short batch means no due row was left that nobody else holds.
                if (batch.rows < batch_size) break;
            }
            return total;
        });
        return Int64GetDatum(changed);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_maintenance_batch);
Datum lead_scoring_maintenance_batch(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const TimestampTz as_of = required_time(fcinfo, "maintenance_batch");
        if (PG_ARGISNULL(1) || PG_GETARG_INT32(1) <= 0)
            throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "maintenance_batch: batch_size must be positive");
        const int64 batch_size = PG_GETARG_INT32(1);
        // Where the previous batch of the same run ended (all three, or none).
        std::optional<ls::pg::DueKey> after;
        if (!PG_ARGISNULL(2) && !PG_ARGISNULL(3) && !PG_ARGISNULL(4))
            after = ls::pg::DueKey{PG_GETARG_TIMESTAMPTZ(2), PG_GETARG_INT64(3), PG_GETARG_INT32(4)};
        const ls::pg::MaintenanceBatch batch = ls::pg::as_extension_owner(fcinfo, [&](Oid caller) {
            ls::pg::connect();
            auto rules = ls::pg::current_rules();
            const ls::pg::MaintenanceBatch b = ls::pg::maintenance_batch(*rules, as_of, batch_size, after, caller);
            ls::pg::finish();
            return b;
        });
        const ls::pg::DueKey last = batch.last.value_or(ls::pg::DueKey{});
        Datum values[5] = {Int64GetDatum(batch.rows), Int64GetDatum(batch.balances), TimestampTzGetDatum(last.due),
                           Int64GetDatum(last.contact_id), Int32GetDatum(last.model_id)};
        return ls::pg::call([&]() -> Datum {
            TupleDesc desc;
            if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
                elog(ERROR, "lead_scoring.maintenance_batch: return type must be a row type");
            bool nulls[5] = {false, false, !batch.last, !batch.last, !batch.last};
            return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
        });
    });
}
}
