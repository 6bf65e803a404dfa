---------------------------------------------------------------------------
-- Alert delivery: what lead_scoring_relay calls (SPEC "Alert delivery (libpq)",
-- src/relay/). Each call is one short statement: a claim lasts `lease`, so a
-- relay that dies mid-delivery leaves the alert to another once the lease passed.
---------------------------------------------------------------------------

-- The JSON an alert is delivered as: NOTIFY's payload (alert_id, model, threshold,
-- contact_id, score) plus the threshold (threshold_id, min_score, point_group,
-- notify_channel), the event that caused it (event_id, event_type, occurred_at,
-- properties; null when none), created_at and the attempt number.
CREATE OR REPLACE FUNCTION lead_scoring.alert_delivery_payload(a lead_scoring.alerts) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_build_object(
        'alert_id', a.alert_id, 'model', m.name, 'threshold', t.name, 'contact_id', a.contact_id, 'score', a.score,
        'threshold_id', a.threshold_id, 'min_score', t.min_score, 'point_group', g.name,
        'notify_channel', t.notify_channel, 'created_at', a.created_at, 'attempt', a.delivery_attempts,
        'event', CASE WHEN e.event_id IS NOT NULL THEN
                     jsonb_build_object('event_id', e.event_id, 'event_type', e.event_type,
                                        'occurred_at', e.occurred_at, 'properties', e.properties) END)
      FROM (SELECT 1) one
      LEFT JOIN lead_scoring.models m ON m.model_id = a.model_id
      LEFT JOIN lead_scoring.thresholds t ON t.threshold_id = a.threshold_id
      LEFT JOIN lead_scoring.point_groups g ON g.group_id = t.group_id
      LEFT JOIN lead_scoring.events e ON e.event_id = a.event_id;
$$;

-- Claims up to `batch` alerts that are due (undelivered, not given up, not claimed
-- by a relay whose lease still runs, past their retry time), oldest first, for
-- `lease`; counts the attempt. With channels, only alerts of thresholds that notify
-- on one of them. Rows another relay is claiming are skipped (SKIP LOCKED). (On a
-- Citus coordinator each shard claims up to `batch`: use_citus_definitions.) The
-- calls below are PL/pgSQL so that Citus can plan them on a coordinator (it cannot
-- plan a parameterised statement of an SQL function on a distributed table).
CREATE OR REPLACE FUNCTION lead_scoring.claim_alerts(batch integer, lease interval, channels text[] DEFAULT NULL)
RETURNS TABLE (alert_id bigint, attempt integer, payload jsonb)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH due AS (
        SELECT a.alert_id FROM lead_scoring.alerts a
         WHERE a.delivered_at IS NULL AND a.delivery_failed_at IS NULL
           AND (a.delivery_claimed_until IS NULL OR a.delivery_claimed_until < clock_timestamp())
           AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= clock_timestamp())
           AND (claim_alerts.channels IS NULL OR EXISTS (
                   SELECT 1 FROM lead_scoring.thresholds t
                    WHERE t.threshold_id = a.threshold_id AND t.notify_channel = ANY (claim_alerts.channels)))
         ORDER BY a.alert_id
         LIMIT claim_alerts.batch
           FOR UPDATE OF a SKIP LOCKED
    ), claimed AS (
        UPDATE lead_scoring.alerts a
           SET delivery_claimed_until = clock_timestamp() + claim_alerts.lease,
               delivery_attempts = a.delivery_attempts + 1
          FROM due WHERE a.alert_id = due.alert_id
        RETURNING a.*
    )
    SELECT c.alert_id, c.delivery_attempts, lead_scoring.alert_delivery_payload(c::lead_scoring.alerts)
      FROM claimed c ORDER BY c.alert_id;
$$;

-- The relay's command succeeded (or the line was written): delivered, whoever
-- holds the claim now (a delivery is a delivery).
CREATE OR REPLACE FUNCTION lead_scoring.alert_delivered(alert_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    at constant timestamptz := clock_timestamp();  -- (Citus refuses a volatile function in an UPDATE)
BEGIN
    UPDATE lead_scoring.alerts a
       SET delivered_at = at, delivery_claimed_until = NULL, last_error = NULL, next_attempt_at = NULL
     WHERE a.alert_id = alert_delivered.alert_id;
END $$;

-- A relay's claim is its attempt number: another relay claiming the alert after
-- the lease ran out makes it a new one. The calls below that change the claim take
-- effect only while it is still the caller's.

-- Renews the claim for `lease` just before delivering (a batch waits in memory
-- while the ones before it are delivered); false when it is no longer the
-- caller's (the lease ran out and another relay took the alert): then skip it.
CREATE OR REPLACE FUNCTION lead_scoring.alert_renew(alert_id bigint, attempt integer, lease interval) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    at constant timestamptz := clock_timestamp();
BEGIN
    UPDATE lead_scoring.alerts a SET delivery_claimed_until = at + alert_renew.lease
     WHERE a.alert_id = alert_renew.alert_id AND a.delivery_attempts = alert_renew.attempt
       AND a.delivered_at IS NULL AND a.delivery_failed_at IS NULL AND a.delivery_claimed_until IS NOT NULL;
    RETURN FOUND;
END $$;

-- The delivery failed: the error is kept; the alert waits `retry_after`, or with
-- `give_up` (the relay's --max-attempts reached) stops for an operator
-- (undelivered_alerts; clear delivery_failed_at to try again).
CREATE OR REPLACE FUNCTION lead_scoring.alert_failed(alert_id bigint, attempt integer, error text, retry_after interval,
                                                     give_up boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    at constant timestamptz := clock_timestamp();
BEGIN
    UPDATE lead_scoring.alerts a
       SET last_error = left(alert_failed.error, 2000), delivery_claimed_until = NULL,
           next_attempt_at = at + alert_failed.retry_after,
           delivery_failed_at = CASE WHEN alert_failed.give_up THEN at END
     WHERE a.alert_id = alert_failed.alert_id AND a.delivery_attempts = alert_failed.attempt
       AND a.delivered_at IS NULL;
END $$;

-- A claim given back without an attempt (the relay stops before delivering it).
CREATE OR REPLACE FUNCTION lead_scoring.alert_released(alert_id bigint, attempt integer) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE lead_scoring.alerts a
       SET delivery_claimed_until = NULL, delivery_attempts = a.delivery_attempts - 1
     WHERE a.alert_id = alert_released.alert_id AND a.delivery_attempts = alert_released.attempt
       AND a.delivered_at IS NULL AND a.delivery_claimed_until IS NOT NULL;
END $$;

-- The notify channels of the thresholds: what a relay LISTENs on by default.
CREATE OR REPLACE FUNCTION lead_scoring.alert_channels() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT DISTINCT t.notify_channel FROM lead_scoring.thresholds t
     WHERE t.notify_channel IS NOT NULL AND t.active ORDER BY 1;
$$;

-- Alerts the relays gave up on (past --max-attempts), for an operator.
CREATE OR REPLACE VIEW lead_scoring.undelivered_alerts AS
SELECT a.alert_id, a.threshold_id, a.model_id, a.contact_id, a.score, a.event_id, a.created_at,
       a.delivery_attempts, a.last_error, a.delivery_failed_at
  FROM lead_scoring.alerts a
 WHERE a.delivered_at IS NULL AND a.delivery_failed_at IS NOT NULL;
