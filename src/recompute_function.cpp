// recompute(model, contact_id) and recompute(model, first_contact, last_contact):
// rebuild a model's scores from the history after rule changes.
#include "pg/datum.hpp"
#include "pg/extension_version.hpp"
#include "pg/privileges.hpp"
#include "pg/recompute.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"

#include <optional>

namespace {

using ls::pg::SqlError;

int64 recompute(FunctionCallInfo fcinfo, ls::pg::RecomputeRange range) {
    if (PG_ARGISNULL(0)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "recompute: model must not be null");
    const std::string model = ls::pg::text_value(PG_GETARG_DATUM(0));
    // On Citus: one contact in its shard, a range or the whole model in every shard
    // (pg/shard_operations.hpp), as the caller.
    ls::pg::connect();
    ls::pg::require_matching_sql();
    std::optional<int64_t> routed;
    const bool one_contact = range.first == range.last;
    if (one_contact) {
        if (ls::pg::ran_in_contact_shard(fcinfo, range.first)) routed = ls::pg::column_int64(0, 1);
    } else {
        routed = ls::pg::ran_in_every_shard(fcinfo);
    }
    const bool in_a_shard = !routed && ls::pg::distributed();
    ls::pg::finish();
    if (routed) return *routed;
    std::optional<ls::pg::ContactPlacement> placement;  // a routed call for one contact
    if (in_a_shard && one_contact) {
        ls::pg::connect();
        placement.emplace(range.first);
        ls::pg::finish();
    }
    return ls::pg::as_extension_owner(fcinfo, [&](Oid caller) -> int64 {
        ls::pg::connect();
        auto rules = ls::pg::current_rules();
        ls::pg::finish();
        return ls::pg::recompute_model(*rules, model, range, caller);
    });
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_recompute);
Datum lead_scoring_recompute(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        ls::pg::RecomputeRange range;
        if (!PG_ARGISNULL(1)) range.first = range.last = PG_GETARG_INT64(1);
        return Int64GetDatum(recompute(fcinfo, range));
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_recompute_range);
Datum lead_scoring_recompute_range(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        ls::pg::RecomputeRange range;
        if (!PG_ARGISNULL(1)) range.first = PG_GETARG_INT64(1);
        if (!PG_ARGISNULL(2)) range.last = PG_GETARG_INT64(2);
        return Int64GetDatum(recompute(fcinfo, range));
    });
}
}
