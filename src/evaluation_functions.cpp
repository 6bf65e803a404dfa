// judged_scores(model, as_of), the per-contact judgement evaluate() and
// band_report() aggregate in SQL, and auc(converted, others).
#include "core/evaluation.hpp"
#include "pg/datum.hpp"
#include "pg/evaluation.hpp"
#include "pg/privileges.hpp"
#include "pg/spi.hpp"
#include "pg/srf.hpp"

namespace {

using ls::pg::SqlError;

// `what` names the argument in errors, e.g. "auc: converted".
std::vector<ls::core::Points> points_of(Datum array, const char* what) {
    std::vector<ls::core::Points> out;
    for (Datum d : ls::pg::array_elements(array, NUMERICOID, what)) {
        try {
            out.push_back(ls::pg::points_from_numeric(d));
        } catch (const ls::core::PointsError& e) {
            throw ls::pg::points_error(e, what);
        }
    }
    return out;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_judged_scores);
Datum lead_scoring_judged_scores(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (PG_ARGISNULL(0)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "evaluate: model must not be null");
        if (PG_ARGISNULL(1)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "evaluate: as_of must not be null");
        const std::string model = ls::pg::text_value(PG_GETARG_DATUM(0));
        const TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(1);
        ls::pg::require_scoring_time(as_of, "evaluate: as_of");
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            ls::pg::as_extension_owner(fcinfo, [&](Oid) {
                ls::pg::connect();
                auto rules = ls::pg::current_rules();
                ls::pg::finish();
                ls::pg::judge_contacts(*rules, model, as_of, [&](const ls::pg::JudgedContact& j) {
                    Datum values[4];
                    bool nulls[4] = {false, false, !j.converted_at.has_value(), !j.first_event_at.has_value()};
                    values[0] = Int64GetDatum(j.contact_id);
                    values[1] = ls::pg::numeric_from_points(j.score);
                    values[2] = TimestampTzGetDatum(j.converted_at.value_or(0));
                    values[3] = TimestampTzGetDatum(j.first_event_at.value_or(0));
                    put(values, nulls);
                });
            });
        });
        return Datum(0);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_auc);
Datum lead_scoring_auc(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
            fcinfo->isnull = true;
            return Datum(0);
        }
        const std::optional<double> result =
            ls::core::auc(points_of(PG_GETARG_DATUM(0), "auc: converted"), points_of(PG_GETARG_DATUM(1), "auc: others"));
        if (!result) {
            fcinfo->isnull = true;
            return Datum(0);
        }
        return Float8GetDatum(*result);
    });
}
}
