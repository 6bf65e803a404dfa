
---------------------------------------------------------------------------
-- Roles and privileges (README: "Security and roles")
---------------------------------------------------------------------------
-- Roles are cluster-wide: created once, reused by the extension in every database,
-- and left in place by DROP EXTENSION. Grant them to login roles:
--   lead_scoring_writer  the CRM app: inserts and updates events and contacts
--   lead_scoring_reader  BI and sales tools: views, alerts, ledger, rule tables, evaluate, band_report
--   lead_scoring_admin   edits models and rules; adjust, reset, recompute, forget_contact
--   lead_scoring_relay   lead_scoring_relay: claims alerts and records their delivery, nothing else
-- Scoring needs no privilege on the internal tables: the scoring triggers and
-- functions do their writing as the extension's owner.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['lead_scoring_reader', 'lead_scoring_writer', 'lead_scoring_admin', 'lead_scoring_relay'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA lead_scoring FROM PUBLIC;
-- Evaluated by the triggers as whoever writes: whether this is a restore, whether
-- forget_contact is erasing a contact (begin/end_erasure stay the owner's).
-- and (citus_worker) whether they run on a Citus worker.
GRANT EXECUTE ON FUNCTION lead_scoring.restoring(), lead_scoring.erasing(bigint), lead_scoring.citus_worker(),
      lead_scoring.dropping_model(integer) TO PUBLIC;
-- The ledger's CHECK constraint calls ledger_kinds() as whoever writes (a restore too).
GRANT EXECUTE ON FUNCTION lead_scoring.ledger_kinds(boolean), lead_scoring.rule_tables() TO PUBLIC;
GRANT USAGE ON SCHEMA lead_scoring TO lead_scoring_reader, lead_scoring_writer, lead_scoring_admin, lead_scoring_relay;
-- The relay works through these functions only (sql/parts/09_relay.sql).
GRANT EXECUTE ON FUNCTION lead_scoring.claim_alerts(integer, interval, text[]),
                          lead_scoring.alert_delivered(bigint),
                          lead_scoring.alert_renew(bigint, integer, interval),
                          lead_scoring.alert_failed(bigint, integer, text, interval, boolean),
                          lead_scoring.alert_released(bigint, integer),
                          lead_scoring.alert_channels()
    TO lead_scoring_relay;

-- On Citus, an operation on a contact is routed into its shard by a query on
-- lead_scoring.shards, as whoever calls it (src/pg/shard_operations.hpp).
GRANT SELECT ON lead_scoring.shards TO PUBLIC;
GRANT EXECUTE ON FUNCTION lead_scoring.distributed() TO PUBLIC;

GRANT SELECT ON lead_scoring.scores, lead_scoring.group_scores, lead_scoring.leaderboard,
                lead_scoring.band_summary, lead_scoring.conversions,
                lead_scoring.alerts, lead_scoring.ledger,
                lead_scoring.models, lead_scoring.point_groups, lead_scoring.event_rules,
                lead_scoring.attribute_rules, lead_scoring.thresholds, lead_scoring.bands,
                lead_scoring.combination_rules, lead_scoring.combination_facts, lead_scoring.combination_tiers,
                lead_scoring.absence_rules,
                lead_scoring.predictive_features, lead_scoring.predictive_fits, lead_scoring.predictive_terms
    TO lead_scoring_reader;
GRANT EXECUTE ON FUNCTION lead_scoring.points_of(bigint), lead_scoring.band_of(integer, numeric),
                          lead_scoring.model_id_of(text),
                          lead_scoring.state_groups(bytea), lead_scoring.state_fit(bytea),
                          lead_scoring.band_bounds(text, text), lead_scoring.contacts_in_band(text, text),
                          lead_scoring.explain(text, bigint),
                          lead_scoring.judged_scores(text, timestamptz),
                          lead_scoring.judged_scores_in_shard(bigint, text, timestamptz),
                          lead_scoring.auc(numeric[], numeric[]),
                          lead_scoring.evaluate(text, timestamptz),
                          lead_scoring.band_report(text, timestamptz),
                          lead_scoring.explain_prediction(text, bigint),
                          lead_scoring.suggest_points(text)
    TO lead_scoring_reader;

GRANT SELECT, INSERT, UPDATE ON lead_scoring.contacts TO lead_scoring_writer;
-- Events are facts: inserting one scores it, and changing one afterwards would leave
-- its points as they were (0.1 let the writer UPDATE events; the update takes that
-- back). A wrong event is corrected with adjust(), or removed with the contact.
GRANT SELECT, INSERT ON lead_scoring.events TO lead_scoring_writer;
REVOKE UPDATE ON lead_scoring.events FROM lead_scoring_writer;

-- Admins read everything readers do, edit the rule tables (whose validation
-- triggers run as the admin and call the check functions) and operate on scores.
GRANT lead_scoring_reader TO lead_scoring_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON lead_scoring.models, lead_scoring.point_groups,
                lead_scoring.event_rules, lead_scoring.attribute_rules, lead_scoring.thresholds,
                lead_scoring.bands,
                lead_scoring.combination_rules, lead_scoring.combination_facts, lead_scoring.combination_tiers,
                lead_scoring.absence_rules, lead_scoring.predictive_features
    TO lead_scoring_admin;
GRANT UPDATE (acknowledged_at) ON lead_scoring.alerts TO lead_scoring_admin;
-- An operator retries what the relays gave up on (clearing delivery_failed_at).
GRANT UPDATE (delivery_failed_at, delivery_attempts, next_attempt_at, delivered_at) ON lead_scoring.alerts
    TO lead_scoring_admin;
GRANT SELECT ON lead_scoring.undelivered_alerts TO lead_scoring_admin;
GRANT EXECUTE ON FUNCTION lead_scoring.adjust(text, bigint, numeric, text, text),
                          lead_scoring.reset(text, bigint, text, text),
                          lead_scoring.forget_contact(bigint),
                          lead_scoring.recompute(text, bigint),
                          lead_scoring.recompute(text, bigint, bigint),
                          lead_scoring.run_maintenance(timestamptz),
                          lead_scoring.call_in_shard(bigint, text),  -- (recompute and maintenance on Citus)
                          lead_scoring.maintenance_batch(timestamptz, integer, timestamptz, bigint, integer),
                          lead_scoring.rule_cache_stats(),
                          lead_scoring.state_as_jsonb(bytea),
                          lead_scoring.jsonpath_is_predicate(jsonpath),
                          lead_scoring.jsonpath_uses_variables(jsonpath),
                          lead_scoring.jsonpath_datetime_templates(jsonpath),
                          lead_scoring.check_interval(text, text, interval),
                          lead_scoring.check_length(text, text, text, integer),
                          lead_scoring.check_points(text, numeric),
                          lead_scoring.check_condition(text, jsonpath),
                          lead_scoring.check_match(text, jsonb),
                          lead_scoring.resolve_group(text, integer, integer),
                          lead_scoring.refuse_named_fact(bigint, text, text),
                          lead_scoring.check_property_key(text, text, text),
                          lead_scoring.train(text, timestamptz, double precision),
                          lead_scoring.apply_suggested_points(text),
                          lead_scoring.predictive_feature_set(integer)
    TO lead_scoring_admin;
