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
    if (current_placement() || !distributed() || in_routed_call()) return false;
    const std::string sql = "SELECT " + call_text(fcinfo) + " FROM lead_scoring.shards s WHERE s.shard_key = " +
                            std::to_string(shard_key_of(contact_id));
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
    if (!current_placement() && distributed()) scope_.emplace(contact_id);
}

ContactPlacement::~ContactPlacement() = default;

std::optional<int64_t> ran_in_every_shard(FunctionCallInfo fcinfo) {
    if (current_placement() || !distributed() || in_routed_call()) return std::nullopt;
    // The call is written into the statement as text: Citus plans a multi-shard query
    // with parameters only for their values, not as a prepared generic plan.
    const std::string text = call_text(fcinfo);
    const std::string sql =
        "SELECT coalesce(sum(lead_scoring.call_in_shard(s.shard_key, " +
        std::string(call([&] { return quote_literal_cstr(text.c_str()); })) +
        ")), 0)::pg_catalog.int8 FROM lead_scoring.shards s";
    run_sql(sql.c_str(), false);
    return column_int64(0, 1);
}

int64_t call_in_shard(int64_t shard_key, const std::string& call_sql) {
    const PlacementScope placement(shard_key);
    const std::string sql = "SELECT (" + call_sql + ")::pg_catalog.int8";
    run_sql(sql.c_str(), false);
    return column_int64(0, 1);
}

}  // namespace ls::pg
