#include "pg/shard_operations.hpp"

#include <string>

#include "pg/spi.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace ls::pg {

namespace {

bool routing = false;  // this backend is running a call routed into a shard

bool in_routed_call() {
    if (routing) return true;  // the shard is on this node: Citus ran the call here
    static Statement worker("SELECT lead_scoring.citus_worker()", {});
    return worker.run(nullptr, nullptr, true) == 1 && column_bool(0, 1);
}

// The call as SQL text, its arguments written as typed literals.
std::string call_text(FunctionCallInfo fcinfo) {
    const Oid fn = fcinfo->flinfo->fn_oid;
    std::string text = call([&]() -> const char* {
        return psprintf("%s.%s(", quote_identifier(get_namespace_name(get_func_namespace(fn))),
                        quote_identifier(get_func_name(fn)));
    });
    for (int i = 0; i < fcinfo->nargs; ++i) {
        if (i > 0) text += ", ";
        const NullableDatum arg = fcinfo->args[i];
        text += call([&]() -> const char* {
            const Oid type = get_fn_expr_argtype(fcinfo->flinfo, i);
            if (arg.isnull) return psprintf("NULL::%s", format_type_be(type));
            // (a time in ISO form, whatever this session's DateStyle: the shard's node
            // reads it with its own)
            if (type == TIMESTAMPTZOID)
                return psprintf("%s::%s", quote_literal_cstr(timestamptz_to_str(DatumGetTimestampTz(arg.value))),
                                format_type_be(type));
            Oid output;
            bool varlena;
            getTypeOutputInfo(type, &output, &varlena);
            return psprintf("%s::%s", quote_literal_cstr(OidOutputFunctionCall(output, arg.value)), format_type_be(type));
        });
    }
    return text + ")";
}

}  // namespace

int64_t shard_key_of(int64_t contact_id) {
    if (!distributed()) return 0;
    static Statement range(
        "SELECT s.shardminvalue::pg_catalog.int4, s.shardmaxvalue::pg_catalog.int4 FROM pg_catalog.pg_dist_shard s"
        " WHERE s.logicalrelid OPERATOR(pg_catalog.=) '\"lead_scoring\".contacts'::pg_catalog.regclass"
        "   AND pg_catalog.hashint8($1) OPERATOR(pg_catalog.>=) s.shardminvalue::pg_catalog.int4"
        "   AND pg_catalog.hashint8($1) OPERATOR(pg_catalog.<=) s.shardmaxvalue::pg_catalog.int4",
        {INT8OID});
    Datum args[1] = {Int64GetDatum(contact_id)};
    if (range.run(args, nullptr, true) != 1)
        throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: no shard of the contacts holds contact " +
                                                   std::to_string(contact_id));
    return key_in_hash_range(column_int32(0, 1), column_int32(0, 2));
}

bool ran_in_contact_shard(FunctionCallInfo fcinfo, int64_t contact_id) {
    if (!on_coordinator() || in_routed_call()) return false;
    const std::string key = std::to_string(shard_key_of(contact_id));
    const std::string sql = "SELECT " + call_text(fcinfo) +
                            " FROM lead_scoring.shards s WHERE s.shard_key OPERATOR(pg_catalog.=) " + key;
    // A write to the shard's row first: Citus then runs the call in a transaction on
    // the shard's node that ends with the caller's. A SELECT alone runs there in a
    // transaction of its own when the caller's statement is not in a transaction
    // block, so a statement that adjusted several contacts and then failed kept the
    // adjustments made before the failure (TAP 008 found it).
    run_sql(("UPDATE lead_scoring.shards SET called_at = pg_catalog.now() WHERE shard_key OPERATOR(pg_catalog.=) " + key)
                .c_str(),
            false);
    routing = true;
    try {
        run_sql(sql.c_str(), false);
    } catch (...) {
        routing = false;
        throw;
    }
    routing = false;
    if (SPI_processed != 1)
        throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: the shard of contact " + std::to_string(contact_id) +
                                                   " is not in lead_scoring.shards");
    return true;
}

ContactPlacement::ContactPlacement(int64_t contact_id) {
    if (on_coordinator()) scope_.emplace(contact_id);
}

ContactPlacement::~ContactPlacement() = default;

std::optional<int64_t> ran_in_every_shard(FunctionCallInfo fcinfo) {
    if (!on_coordinator() || in_routed_call()) return std::nullopt;
    // Every shard must have its row, or its contacts would be left out.
    run_sql("SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_shard"
            " WHERE logicalrelid OPERATOR(pg_catalog.=) '\"lead_scoring\".contacts'::pg_catalog.regclass",
            true);
    const int64_t shard_count = column_int64(0, 1);
    run_sql("SELECT pg_catalog.count(*) FROM lead_scoring.shards", true);
    const int64_t listed = column_int64(0, 1);
    if (listed != shard_count)
        throw SqlError(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                       "lead_scoring.shards lists " + std::to_string(listed) + " of the contacts' " +
                           std::to_string(shard_count) + " shards",
                       "The shards changed since lead_scoring.distribute(): SELECT lead_scoring.refresh_shards();");
    // A write to every shard first, so that the calls (a read, to Citus) commit with
    // two-phase commit: an error in one shard rolls all back either way (they run in
    // the caller's transaction), but a failure while committing could otherwise
    // leave some shards committed.
    run_sql("UPDATE lead_scoring.shards SET called_at = pg_catalog.now()", false);
    // The call is written into the statement as text: Citus plans a multi-shard query
    // with parameters only for their values, not as a prepared generic plan.
    const std::string text = call_text(fcinfo);
    const std::string sql =
        "SELECT coalesce(pg_catalog.sum(lead_scoring.call_in_shard(s.shard_key, " +
        std::string(call([&] { return quote_literal_cstr(text.c_str()); })) +
        ")), 0)::pg_catalog.int8 FROM lead_scoring.shards s";
    run_sql(sql.c_str(), false);
    return column_int64(0, 1);
}

int64_t call_in_shard(int64_t shard_key, const std::string& call_sql) {
    // The call itself is run as written (its arguments may be any text); what it
    // runs works in the shard's placement.
    const std::string sql = "SELECT (" + call_sql + ")::pg_catalog.int8";
    const PlacementScope placement(shard_key);
    call([&] {
        if (SPI_execute(sql.c_str(), false, 0) != SPI_OK_SELECT || SPI_processed != 1)
            elog(ERROR, "lead_scoring: call_in_shard: not one row from %s", sql.c_str());
    });
    return column_int64(0, 1);
}

}  // namespace ls::pg
