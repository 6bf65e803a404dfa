// recompute(model, contact_id) and recompute(model, first_contact, last_contact):
// rebuild a model's scores from the history after rule changes.
#include "pg/datum.hpp"
#include "pg/privileges.hpp"
#include "pg/recompute.hpp"
#include "pg/spi.hpp"

namespace {

using ls::pg::SqlError;

int64 recompute(FunctionCallInfo fcinfo, ls::pg::RecomputeRange range) {
    if (PG_ARGISNULL(0)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "recompute: model must not be null");
    const std::string model = ls::pg::text_value(PG_GETARG_DATUM(0));
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
