// claim_alerts_in_shard(shard_key, batch, lease, channels): the alert relay's claim
// (sql/parts/09_relay.sql) in one shard of a Citus cluster. On a coordinator
// claim_alerts selects it for every shard (use_citus_definitions in
// sql/parts/09_citus.sql): FOR UPDATE SKIP LOCKED is not supported across shards,
// but within one shard it runs as on one node, on the shard's own tables
// (pg/placement.hpp). The payload is alert_delivery_payload's, written out: that
// function takes the alerts table's row type, which a shard's row is not.
#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/spi.hpp"
#include "pg/srf.hpp"

extern "C" {

PG_FUNCTION_INFO_V1(lead_scoring_claim_alerts_in_shard);
Datum lead_scoring_claim_alerts_in_shard(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
            throw ls::pg::SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "claim_alerts: batch and lease must not be null");
        const int64 shard_key = PG_GETARG_INT64(0);
        const Datum batch = PG_GETARG_DATUM(1);
        const Datum lease = PG_GETARG_DATUM(2);
        const Datum channels = PG_ARGISNULL(3) ? Datum(0) : PG_GETARG_DATUM(3);
        const char nulls[4] = {' ', ' ', PG_ARGISNULL(3) ? 'n' : ' ', '\0'};
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            // (the function's search_path is pg_catalog: plain operators are safe)
            static ls::pg::Statement claim(
                "WITH due AS ("
                "    SELECT a.alert_id FROM lead_scoring.alerts a"
                "     WHERE a.delivered_at IS NULL AND a.delivery_failed_at IS NULL"
                "       AND (a.delivery_claimed_until IS NULL OR a.delivery_claimed_until < clock_timestamp())"
                "       AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= clock_timestamp())"
                "       AND ($3::text[] IS NULL OR EXISTS ("
                "               SELECT 1 FROM lead_scoring.thresholds t"
                "                WHERE t.threshold_id = a.threshold_id AND t.notify_channel = ANY ($3::text[])))"
                "     ORDER BY a.alert_id LIMIT $1"
                "       FOR UPDATE OF a SKIP LOCKED"
                "), claimed AS ("
                "    UPDATE lead_scoring.alerts a"
                "       SET delivery_claimed_until = clock_timestamp() + $2, delivery_attempts = a.delivery_attempts + 1"
                "      FROM due WHERE a.alert_id = due.alert_id"
                "    RETURNING a.*"
                ")"
                "SELECT c.alert_id, c.delivery_attempts, jsonb_build_object("
                "        'alert_id', c.alert_id, 'model', m.name, 'threshold', t.name, 'contact_id', c.contact_id,"
                "        'score', c.score, 'threshold_id', c.threshold_id, 'min_score', t.min_score, 'point_group', g.name,"
                "        'notify_channel', t.notify_channel, 'created_at', c.created_at, 'attempt', c.delivery_attempts,"
                "        'event', CASE WHEN e.event_id IS NOT NULL THEN"
                "                     jsonb_build_object('event_id', e.event_id, 'event_type', e.event_type,"
                "                                        'occurred_at', e.occurred_at, 'properties', e.properties) END)"
                "  FROM claimed c"
                "  LEFT JOIN lead_scoring.models m ON m.model_id = c.model_id"
                "  LEFT JOIN lead_scoring.thresholds t ON t.threshold_id = c.threshold_id"
                "  LEFT JOIN lead_scoring.point_groups g ON g.group_id = t.group_id"
                "  LEFT JOIN lead_scoring.events e ON e.contact_id = c.contact_id AND e.event_id = c.event_id"
                " ORDER BY c.alert_id",
                {INT4OID, INTERVALOID, TEXTARRAYOID});
            ls::pg::connect();
            const ls::pg::PlacementScope placement(shard_key);
            Datum args[3] = {batch, lease, channels};
            const uint64 n = claim.run(args, nulls);
            ls::pg::put_result_rows(n, put);
            ls::pg::finish();
        });
        return Datum(0);
    });
}
}
