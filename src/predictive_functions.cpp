// train(model, as_of, l2) and explain_prediction(model, contact_id): predictive
// scoring's SQL entry points (pg/training.hpp). suggest_points and
// apply_suggested_points are SQL (sql/parts/09_predictive.sql).
#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/privileges.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"
#include "pg/srf.hpp"
#include "pg/training.hpp"

#include <cmath>

namespace {

using ls::pg::SqlError;

// Puts the explain_prediction rows of the contact (in this placement) out.
template <typename Put>
void explain_here(const std::string& model, int64_t contact_id, Put&& put) {
    ls::pg::connect();
    auto rules = ls::pg::current_rules();
    ls::pg::finish();
    for (const auto& c : ls::pg::explain_prediction(*rules, model, contact_id)) {
        Datum values[3] = {ls::pg::text_datum(c.term), Float8GetDatum(c.value), Float8GetDatum(c.contribution)};
        bool nulls[3] = {false, std::isnan(c.value), false};
        put(values, nulls);
    }
}

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

// train()'s last step (internal): on a Citus coordinator in every shard, else here.
PG_FUNCTION_INFO_V1(lead_scoring_refresh_probabilities);
Datum lead_scoring_refresh_probabilities(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const std::string model = ls::pg::text_value(PG_GETARG_DATUM(0));
        ls::pg::connect();
        const std::optional<int64_t> in_shards = ls::pg::ran_in_every_shard(fcinfo);
        ls::pg::finish();
        if (in_shards) return Int64GetDatum(*in_shards);
        return Int64GetDatum(ls::pg::as_extension_owner(fcinfo, [&](Oid) -> int64 {
            return ls::pg::refresh_probabilities(model);
        }));
    });
}

// train()'s rows of the contacts in the shard of shard_key (Citus runs it there,
// for each shard, when train() is called on the coordinator).
PG_FUNCTION_INFO_V1(lead_scoring_training_rows_in_shard);
Datum lead_scoring_training_rows_in_shard(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int64 shard_key = PG_GETARG_INT64(0);
        const std::string model = ls::pg::text_value(PG_GETARG_DATUM(1));
        const TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(2);
        ls::pg::require_scoring_time(as_of, "train: as_of");
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            ls::pg::as_extension_owner(fcinfo, [&](Oid) {
                ls::pg::connect();
                const ls::pg::PlacementScope placement(shard_key);
                auto rules = ls::pg::current_rules();
                ls::pg::finish();
                ls::pg::training_rows(*rules, model, as_of,
                                      [&](int64_t contact, double label, double rule_score, const std::string& raw) {
                                          Datum values[4] = {Int64GetDatum(contact), Float8GetDatum(label),
                                                             Float8GetDatum(rule_score), ls::pg::bytea_datum(raw)};
                                          bool nulls[4] = {false, false, false, false};
                                          put(values, nulls);
                                      });
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
                // On a Citus coordinator, in the contact's shard (one routed query).
                ls::pg::connect();
                if (ls::pg::on_coordinator()) {
                    const std::string sql =
                        "SELECT x.feature, x.value, x.contribution FROM lead_scoring.shards s"
                        " CROSS JOIN LATERAL lead_scoring.explain_prediction_in_shard(s.shard_key, " +
                        ls::pg::sql_literal(model) + ", " + std::to_string(contact_id) +
                        ") x WHERE s.shard_key OPERATOR(pg_catalog.=) " + std::to_string(ls::pg::shard_key_of(contact_id));
                    const uint64 n = ls::pg::run_sql(sql.c_str(), true);
                    ls::pg::put_result_rows(n, put);
                    ls::pg::finish();
                    return;
                }
                ls::pg::finish();
                explain_here(model, contact_id, put);
            });
        });
        return Datum(0);
    });
}

// explain_prediction in the shard of shard_key (Citus routes it there).
PG_FUNCTION_INFO_V1(lead_scoring_explain_prediction_in_shard);
Datum lead_scoring_explain_prediction_in_shard(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int64 shard_key = PG_GETARG_INT64(0);
        const std::string model = ls::pg::text_value(PG_GETARG_DATUM(1));
        const int64_t contact_id = PG_GETARG_INT64(2);
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            ls::pg::as_extension_owner(fcinfo, [&](Oid) {
                ls::pg::connect();
                const ls::pg::PlacementScope placement(shard_key);
                ls::pg::finish();
                explain_here(model, contact_id, put);
            });
        });
        return Datum(0);
    });
}
}
