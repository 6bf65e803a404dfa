// adjust() and reset(): an operator's changes to one contact's score.
#include "pg/datum.hpp"
#include "pg/extension_version.hpp"
#include "pg/manual_scoring.hpp"
#include "pg/privileges.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"

#include <optional>

namespace {

using ls::pg::SqlError;

// Arguments may be null in SQL; each one that must not be gets a named error.
std::string required_text(FunctionCallInfo fcinfo, int arg, const char* function, const char* name) {
    if (PG_ARGISNULL(arg))
        throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(function) + ": " + name + " must not be null");
    return ls::pg::text_value(PG_GETARG_DATUM(arg));
}

ls::pg::ManualChange read_change(FunctionCallInfo fcinfo, const char* function, int reason_arg, int group_arg) {
    ls::pg::ManualChange change;
    change.model = required_text(fcinfo, 0, function, "model");
    if (PG_ARGISNULL(1))
        throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(function) + ": contact_id must not be null");
    change.contact_id = PG_GETARG_INT64(1);
    change.reason = required_text(fcinfo, reason_arg, function, "reason");
    if (!PG_ARGISNULL(group_arg)) change.point_group = ls::pg::text_value(PG_GETARG_DATUM(group_arg));
    return change;
}

// On the coordinator of a Citus cluster, the call runs in the contact's shard
// (pg/shard_operations.hpp), as the caller (so that the ledger names who did it):
// its result, the contact's new score. Nothing on one node.
std::optional<ls::core::Points> score_from_contact_shard(FunctionCallInfo fcinfo, int64 contact_id) {
    ls::pg::connect();
    ls::pg::require_matching_sql();  // under another version's SQL, refuse first
    std::optional<ls::core::Points> score;
    if (ls::pg::ran_in_contact_shard(fcinfo, contact_id)) {
        bool isnull = false;
        const Datum value = ls::pg::column(0, 1, &isnull);
        if (!isnull) score = ls::pg::points_from_numeric(value);
    }
    ls::pg::finish();
    return score;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_adjust);
Datum lead_scoring_adjust(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        ls::pg::ManualChange change = read_change(fcinfo, "adjust", 3, 4);
        if (PG_ARGISNULL(2)) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "adjust: points must not be null");
        ls::core::Points points;
        try {
            points = ls::pg::points_from_numeric(PG_GETARG_DATUM(2));
        } catch (const ls::core::PointsError& e) {
            throw ls::pg::points_error(e, "adjust");
        }
        if (const auto routed = score_from_contact_shard(fcinfo, change.contact_id))
            return ls::pg::numeric_from_points(*routed);
        return ls::pg::as_extension_owner(fcinfo, [&](Oid caller) -> Datum {
            change.actor = caller;
            ls::pg::connect();
            const ls::pg::ContactPlacement placement(change.contact_id);  // on Citus, in its shard
            auto rules = ls::pg::current_rules();
            const ls::core::Points score = ls::pg::adjust_score(*rules, change, points);
            ls::pg::finish();  // frees SPI's memory: build the result after it
            return ls::pg::numeric_from_points(score);
        });
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_reset);
Datum lead_scoring_reset(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        ls::pg::ManualChange change = read_change(fcinfo, "reset", 2, 3);
        if (const auto routed = score_from_contact_shard(fcinfo, change.contact_id))
            return ls::pg::numeric_from_points(*routed);
        return ls::pg::as_extension_owner(fcinfo, [&](Oid caller) -> Datum {
            change.actor = caller;
            ls::pg::connect();
            const ls::pg::ContactPlacement placement(change.contact_id);  // on Citus, in its shard
            auto rules = ls::pg::current_rules();
            const ls::core::Points score = ls::pg::reset_score(*rules, change);
            ls::pg::finish();  // frees SPI's memory: build the result after it
            return ls::pg::numeric_from_points(score);
        });
    });
}
}
