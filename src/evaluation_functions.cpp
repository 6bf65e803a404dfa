// judged_scores(model, as_of), the per-contact judgement evaluate() and
// band_report() aggregate in SQL (on a Citus coordinator gathered from every shard,
// judged_scores_in_shard), and auc(converted, others).
#include "core/evaluation.hpp"
#include "pg/datum.hpp"
#include "pg/evaluation.hpp"
#include "pg/placement.hpp"
#include "pg/privileges.hpp"
#include "pg/rule_cache.hpp"
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

struct Arguments {
    std::string model;
    TimestampTz as_of;
    std::string as_of_text;  // as a literal for a statement on a Citus coordinator
};

Arguments arguments(FunctionCallInfo fcinfo, int first) {
    if (PG_ARGISNULL(first)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "evaluate: model must not be null");
    if (PG_ARGISNULL(first + 1)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "evaluate: as_of must not be null");
    Arguments a;
    a.model = ls::pg::text_value(PG_GETARG_DATUM(first));
    a.as_of = PG_GETARG_TIMESTAMPTZ(first + 1);
    ls::pg::require_scoring_time(a.as_of, "evaluate: as_of");
    a.as_of_text = ls::pg::call([&]() -> const char* { return timestamptz_to_str(a.as_of); });
    return a;
}

// Each contact's score as of the time, with its conversion facts, as rows.
template <typename Put>
void judge(FunctionCallInfo fcinfo, const Arguments& a, Put&& put) {
    ls::pg::as_extension_owner(fcinfo, [&](Oid) {
        ls::pg::connect();
        auto rules = ls::pg::current_rules();
        ls::pg::finish();
        ls::pg::judge_contacts(*rules, a.model, a.as_of, [&](const ls::pg::JudgedContact& j) {
            Datum values[4];
            bool nulls[4] = {false, false, !j.converted_at.has_value(), !j.first_event_at.has_value()};
            values[0] = Int64GetDatum(j.contact_id);
            values[1] = ls::pg::numeric_from_points(j.score);
            values[2] = TimestampTzGetDatum(j.converted_at.value_or(0));
            values[3] = TimestampTzGetDatum(j.first_event_at.value_or(0));
            put(values, nulls);
        });
    });
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_judged_scores);
Datum lead_scoring_judged_scores(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const Arguments a = arguments(fcinfo, 0);
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            // On a Citus coordinator, every shard judges its contacts
            // (judged_scores_in_shard, pushed down to each), and their rows come here.
            ls::pg::connect();
            if (ls::pg::on_coordinator()) {
                // The model's own errors (unknown, no conversion type) are raised here,
                // before any shard runs, as on one node: when a multi-shard statement
                // fails in one shard, its other tasks may run on for a moment on the
                // workers, and a DROP right after waited for them (Citus took the wait
                // for a distributed deadlock of the session with itself; TAP 008).
                ls::pg::as_extension_owner(fcinfo, [&](Oid) {
                    ls::pg::model_index(*ls::pg::current_rules(), a.model);
                    ls::pg::conversion_type_of(a.model);
                });
                const std::string sql =
                    "SELECT j.contact_id, j.score, j.converted_at, j.first_event_at"
                    "  FROM lead_scoring.shards s CROSS JOIN LATERAL lead_scoring.judged_scores_in_shard(s.shard_key, " +
                    ls::pg::sql_literal(a.model) + ", " + ls::pg::sql_literal(a.as_of_text) + "::pg_catalog.timestamptz) j";
                const uint64 n = ls::pg::run_sql(sql.c_str(), true);
                ls::pg::put_result_rows(n, put);
                ls::pg::finish();
                return;
            }
            ls::pg::finish();
            judge(fcinfo, a, put);
        });
        return Datum(0);
    });
}

// judged_scores in the shard of shard_key (Citus runs it there, for each shard).
PG_FUNCTION_INFO_V1(lead_scoring_judged_scores_in_shard);
Datum lead_scoring_judged_scores_in_shard(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int64 shard_key = PG_GETARG_INT64(0);
        const Arguments a = arguments(fcinfo, 1);
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            ls::pg::connect();
            const ls::pg::PlacementScope placement(shard_key);
            ls::pg::finish();
            judge(fcinfo, a, put);
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
