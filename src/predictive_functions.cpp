// train(model, as_of, l2) and explain_prediction(model, contact_id): predictive
// scoring's SQL entry points (pg/training.hpp). suggest_points and
// apply_suggested_points are SQL (sql/parts/09_predictive.sql).
#include "pg/datum.hpp"
#include "pg/privileges.hpp"
#include "pg/spi.hpp"
#include "pg/srf.hpp"
#include "pg/training.hpp"

#include <cmath>

namespace {

using ls::pg::SqlError;

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_train);
Datum lead_scoring_train(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (PG_ARGISNULL(0)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "train: model must not be null");
        if (PG_ARGISNULL(1)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "train: as_of must not be null");
        if (PG_ARGISNULL(2)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "train: l2 must not be null");
        const std::string model = ls::pg::text_value(PG_GETARG_DATUM(0));
        const TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(1);
        const double l2 = PG_GETARG_FLOAT8(2);
        ls::pg::require_scoring_time(as_of, "train: as_of");
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            ls::pg::as_extension_owner(fcinfo, [&](Oid) {
                ls::pg::connect();
                auto rules = ls::pg::current_rules();
                ls::pg::finish();
                for (const auto& t : ls::pg::train_model(*rules, model, as_of, l2)) {
                    Datum values[4] = {ls::pg::text_datum(t.term), Float8GetDatum(t.coefficient),
                                       Float8GetDatum(t.std_error), Float8GetDatum(std::exp(t.coefficient))};
                    bool nulls[4] = {false, false, false, false};
                    put(values, nulls);
                }
            });
        });
        return Datum(0);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_explain_prediction);
Datum lead_scoring_explain_prediction(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (PG_ARGISNULL(0)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "explain_prediction: model must not be null");
        if (PG_ARGISNULL(1)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "explain_prediction: contact_id must not be null");
        const std::string model = ls::pg::text_value(PG_GETARG_DATUM(0));
        const int64_t contact_id = PG_GETARG_INT64(1);
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            ls::pg::as_extension_owner(fcinfo, [&](Oid) {
                ls::pg::connect();
                auto rules = ls::pg::current_rules();
                ls::pg::finish();
                for (const auto& c : ls::pg::explain_prediction(*rules, model, contact_id)) {
                    Datum values[3] = {ls::pg::text_datum(c.term), Float8GetDatum(c.value), Float8GetDatum(c.contribution)};
                    bool nulls[3] = {false, std::isnan(c.value), false};
                    put(values, nulls);
                }
            });
        });
        return Datum(0);
    });
}
}
