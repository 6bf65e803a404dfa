---------------------------------------------------------------------------
-- Scale-out on Citus (issue 19): lead_scoring.distribute()
---------------------------------------------------------------------------

-- Is this a Citus worker (a node other than the coordinator)? The rule tables are
-- reference tables there, and a rule edit on the coordinator runs their triggers on
-- every node's placement: checks run on each (reading that node's placements), but
-- what an edit does to the scores (a new model's default group, rescoring, renaming,
-- recounting) is done once, by the coordinator's, for every shard.
CREATE OR REPLACE FUNCTION lead_scoring.citus_worker() RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_local_group') IS NULL THEN
        RETURN false;  -- no Citus here
    END IF;
    RETURN coalesce((SELECT g.groupid FROM pg_catalog.pg_dist_local_group g) OPERATOR(pg_catalog.<>) 0, false);
END $$;

-- Run once on a Citus coordinator, with the extension created on every node and the
-- workers added. Makes every per-contact table a distributed table by contact_id,
-- all co-located with contacts (band_counts by its shard_key, which scoring on a
-- shard sets to a key of that shard), and every rule table a reference table.
-- Scoring then runs in the triggers on the shards, against the co-located shards of
-- the same node (src/pg/placement.hpp).
--
-- What Citus needs that one node does not:
--  * the foreign keys between rule tables are dropped while the tables become
--    reference tables and added again after (Citus would otherwise turn the tables
--    that reference models into local tables of its own, which recreates their
--    identity sequences, and those belong to the extension); on the workers, whose
--    copies of the extension's tables become Citus's shell tables, they are dropped
--    for good (a shell holds no rows);
--  * events and alerts are keyed by their unique (contact_id, ...) index instead of
--    event_id and alert_id alone: a distributed table's unique keys include the
--    distribution column, so event_id and alert_id stay unique by their identity
--    sequences only (an explicit duplicate id for another contact is not refused);
--  * triggers on distributed tables need citus.enable_unsafe_triggers at creation.
-- A database already in use is moved as it is (see the end).
CREATE OR REPLACE FUNCTION lead_scoring.distribute(shard_count integer DEFAULT 32) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    -- Citus sends the tables' definitions to the workers as text, their timestamp
    -- constants written in this session's DateStyle: with 'Postgres' the workers
    -- could not read them back ("... 0001 LMT BC").
    SET datestyle = 'ISO, YMD' SET timezone = 'UTC'
AS $$
DECLARE
    -- Referenced tables before the tables that reference them.
    rule_tables constant text[] := ARRAY['models', 'point_groups', 'event_rules', 'attribute_rules', 'thresholds',
        'bands', 'combination_rules', 'combination_facts', 'combination_tiers', 'absence_rules',
        'predictive_features', 'predictive_fits', 'predictive_terms'];
    contact_tables constant text[] := ARRAY['events', 'contact_scores', 'contact_score_keys', 'ledger', 'alerts',
        'window_awards', 'combination_sets', 'absence_deadlines', 'contact_attribute_history'];
    keyed_by_contact constant text[] := ARRAY[
        'ALTER TABLE lead_scoring.events DROP CONSTRAINT events_pkey, '
            'ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_contact_idx',
        'CREATE INDEX events_event_id_idx ON lead_scoring.events (event_id)',
        'ALTER TABLE lead_scoring.alerts DROP CONSTRAINT alerts_pkey, '
            'ADD CONSTRAINT alerts_pkey PRIMARY KEY USING INDEX alerts_contact_idx',
        'CREATE INDEX alerts_alert_id_idx ON lead_scoring.alerts (alert_id)'];
    foreign_keys record;
    fk_rel text[] := '{}';
    fk_name text[] := '{}';
    fk_def text[] := '{}';
    command text;
    t text;
    i integer;
    m integer;
    moving boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'distribute: Citus is not installed in this database'
            USING ERRCODE = 'feature_not_supported', HINT = 'CREATE EXTENSION citus on every node first.';
    END IF;
    IF shard_count IS NULL OR shard_count < 1 THEN
        RAISE EXCEPTION 'distribute: shard_count must be at least 1 (got %)', shard_count
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
                WHERE logicalrelid = 'lead_scoring.contacts'::pg_catalog.regclass) THEN
        RAISE EXCEPTION 'distribute: lead_scoring is already distributed' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    moving := EXISTS (SELECT 1 FROM lead_scoring.contacts) OR EXISTS (SELECT 1 FROM lead_scoring.events);
    PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
    -- (DDL on reference tables after a parallel operation in one transaction is refused)
    PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);

    FOR foreign_keys IN
        SELECT c.conrelid::pg_catalog.regclass::text AS rel, c.conname::text AS name,
               pg_catalog.pg_get_constraintdef(c.oid) AS def
          FROM pg_catalog.pg_constraint c
         WHERE c.contype = 'f' AND c.connamespace = 'lead_scoring'::pg_catalog.regnamespace
         ORDER BY c.conrelid, c.conname
    LOOP
        fk_rel := fk_rel || foreign_keys.rel;
        fk_name := fk_name || foreign_keys.name;
        fk_def := fk_def || foreign_keys.def;
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(fk_rel, 1), 0) LOOP
        command := pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', fk_rel[i], fk_name[i]);
        PERFORM pg_catalog.run_command_on_workers(command);
        EXECUTE command;
    END LOOP;
    FOREACH command IN ARRAY keyed_by_contact LOOP
        -- (on a worker that was keyed by an earlier, failed call already, it fails and
        -- is left as it is)
        PERFORM pg_catalog.run_command_on_workers(command);
        EXECUTE command;
    END LOOP;

    FOREACH t IN ARRAY rule_tables LOOP
        PERFORM pg_catalog.create_reference_table(pg_catalog.format('lead_scoring.%I', t)::pg_catalog.regclass);
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(fk_rel, 1), 0) LOOP
        EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk_rel[i], fk_name[i], fk_def[i]);
    END LOOP;
    PERFORM pg_catalog.create_distributed_table('lead_scoring.contacts'::pg_catalog.regclass, 'contact_id',
                                                shard_count => shard_count);
    FOREACH t IN ARRAY contact_tables LOOP
        PERFORM pg_catalog.create_distributed_table(pg_catalog.format('lead_scoring.%I', t)::pg_catalog.regclass,
                                                    'contact_id', colocate_with => 'lead_scoring.contacts');
    END LOOP;
    PERFORM pg_catalog.create_distributed_table('lead_scoring.band_counts'::pg_catalog.regclass, 'shard_key',
                                                colocate_with => 'lead_scoring.contacts');
    PERFORM pg_catalog.create_distributed_table('lead_scoring.shards'::pg_catalog.regclass, 'shard_key',
                                                colocate_with => 'lead_scoring.contacts');
    PERFORM lead_scoring.refresh_shards();
    PERFORM lead_scoring.use_citus_definitions();
    IF moving THEN
        -- The rows of a database already in use moved into the shards as they were:
        -- Citus copies them before it creates the shards' triggers, so nothing is
        -- scored again. The coordinator's own copy of them (no longer visible) is
        -- truncated, with the tables' own triggers off on the coordinator alone (they
        -- refuse a TRUNCATE), and band_summary's counts are taken again in every shard,
        -- under that shard's key.
        PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
        FOREACH t IN ARRAY rule_tables || contact_tables || ARRAY['contacts', 'band_counts', 'shards'] LOOP
            EXECUTE pg_catalog.format('ALTER TABLE lead_scoring.%I DISABLE TRIGGER USER', t);
            PERFORM pg_catalog.truncate_local_data_after_distributing_table(
                pg_catalog.format('lead_scoring.%I', t)::pg_catalog.regclass);
            -- (the truncation turns the propagation back on)
            PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
            EXECUTE pg_catalog.format('ALTER TABLE lead_scoring.%I ENABLE TRIGGER USER', t);
        END LOOP;
        PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'on', true);
        FOR m IN SELECT model_id FROM lead_scoring.models ORDER BY model_id LOOP
            PERFORM lead_scoring.rebuild_band_counts(m);
        END LOOP;
    END IF;
END $$;

-- The definitions a Citus coordinator needs instead of one node's. Citus decides
-- whether a query is distributed before PostgreSQL inlines the SQL functions in it:
-- contacts_in_band, inlined on one node (so that a LIMIT reaches the index), would
-- on a coordinator read its own empty copy of contact_scores and return nothing. In
-- PL/pgSQL its query is planned by Citus (the whole band comes to the coordinator:
-- leaderboard_top or a query on scores with ORDER BY score DESC LIMIT n stays
-- pushed down). distribute() calls it, and the update runs it again on a cluster
-- (sql/parts/98_citus_definitions.sql, after every part that defines these).
CREATE OR REPLACE FUNCTION lead_scoring.use_citus_definitions() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $outer$
BEGIN
    CREATE OR REPLACE FUNCTION lead_scoring.contacts_in_band(model text, band text)
    RETURNS SETOF lead_scoring.scores
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
    DECLARE
        bounds record;
    BEGIN
        SELECT * INTO bounds FROM lead_scoring.band_bounds(contacts_in_band.model, contacts_in_band.band);
        RETURN QUERY
        SELECT s.* FROM lead_scoring.scores s
         WHERE s.model = contacts_in_band.model AND s.score >= bounds.low AND s.score < bounds.high
         ORDER BY s.score DESC, s.contact_id;
    END $$;
    -- The relay's claim: FOR UPDATE SKIP LOCKED is not supported across shards, so
    -- each shard claims up to `batch` of its own due alerts (claim_alerts_in_shard,
    -- all shards at once); the relay gets them all, oldest id first per shard.
    CREATE OR REPLACE FUNCTION lead_scoring.claim_alerts(batch integer, lease interval, channels text[] DEFAULT NULL)
    RETURNS TABLE (alert_id bigint, attempt integer, payload jsonb)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
        IF batch IS NULL OR lease IS NULL THEN
            RAISE EXCEPTION 'claim_alerts: batch and lease must not be null' USING ERRCODE = 'null_value_not_allowed';
        END IF;
        -- (literals: Citus plans a multi-shard query for its values)
        RETURN QUERY EXECUTE pg_catalog.format(
            'SELECT x.alert_id, x.attempt, x.payload FROM lead_scoring.shards s'
            ' CROSS JOIN LATERAL lead_scoring.claim_alerts_in_shard(s.shard_key, %s, %L::interval, %L::text[]) x'
            ' ORDER BY x.alert_id', batch, lease, channels);
    END $$;
END $outer$;

-- One row of lead_scoring.shards per shard of the contacts, afresh: distribute() fills
-- it; run it again after a change of the shards themselves (alter_distributed_table
-- with another shard_count, a shard split, isolate_tenant_to_new_shard). Operations
-- on every shard refuse to run while it does not list them all.
CREATE OR REPLACE FUNCTION lead_scoring.refresh_shards() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    DELETE FROM lead_scoring.shards;
    INSERT INTO lead_scoring.shards (shard_key)
    SELECT lead_scoring.key_in_hash_range(s.shardminvalue::integer, s.shardmaxvalue::integer)
      FROM pg_catalog.pg_dist_shard s WHERE s.logicalrelid = 'lead_scoring.contacts'::pg_catalog.regclass;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- Event ids drawn on a worker (an event a client inserts through it) come from
    -- that worker's own range, as Citus gives the identity sequences it creates
    -- itself: the extension created this one on every node, and Citus left it
    -- starting at 1, where the coordinator's starts too. Each node holding a shard sets its own
    -- (through this transaction's connections: run_command_on_workers would open
    -- others, which wait for this transaction's locks); also for a worker added since.
    -- (one shard per node: two calls on one node, over two connections of this
    -- transaction, would both alter the sequence, the second waiting for the first)
    PERFORM lead_scoring.adjust_id_ranges_in_shard(s.shard_key) FROM lead_scoring.shards s
     WHERE s.shard_key OPERATOR(pg_catalog.=) ANY (ARRAY(
           SELECT DISTINCT ON (p.groupid)
                  lead_scoring.key_in_hash_range(d.shardminvalue::integer, d.shardmaxvalue::integer)
             FROM pg_catalog.pg_dist_shard d
             JOIN pg_catalog.pg_dist_placement p ON p.shardid OPERATOR(pg_catalog.=) d.shardid
            WHERE d.logicalrelid OPERATOR(pg_catalog.=) 'lead_scoring.shards'::pg_catalog.regclass
            ORDER BY p.groupid, d.shardminvalue::integer));
    RETURN n;
END $$;

-- On the node of shard_key's shard (Citus runs it there): gives the identity
-- sequence of lead_scoring.events this worker's range of ids (Citus's
-- worker_adjust_identity_column_seq_ranges: the node's group id << 48 on), for the
-- events a client inserts through this node. (The ids scoring writes itself on a
-- node, ledger entries, attribute changes and alerts, add that offset to the
-- node's sequences already: src/pg/placement.hpp, node_id_offset.) Nothing on the
-- coordinator (group 0), whose sequence draws the ids of events inserted through it
-- and must not restart. With DDL propagation off, as Citus runs it itself: on, a
-- worker refuses to alter a distributed table's sequence. refresh_shards() calls it
-- once per worker; a worker already set is left as it is.
CREATE OR REPLACE FUNCTION lead_scoring.adjust_id_ranges_in_shard(shard_key bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET citus.enable_ddl_propagation = off AS $$
BEGIN
    IF lead_scoring.citus_worker() THEN
        PERFORM pg_catalog.worker_adjust_identity_column_seq_ranges('lead_scoring.events'::pg_catalog.regclass);
    END IF;
END $$;

-- The smallest non-negative contact_id whose hash falls in [low, high] (a shard's
-- range): the shard's key in lead_scoring.shards.
CREATE OR REPLACE FUNCTION lead_scoring.key_in_hash_range(low integer, high integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_key_in_hash_range' LANGUAGE C IMMUTABLE STRICT;

-- The key in lead_scoring.shards of the shard that holds the contact (0 on one node).
CREATE OR REPLACE FUNCTION lead_scoring.shard_key_of(contact_id bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_shard_key_of' LANGUAGE C STABLE STRICT;

-- Has distribute() run here?
CREATE OR REPLACE FUNCTION lead_scoring.distributed() RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p
                    WHERE p.logicalrelid OPERATOR(pg_catalog.=) 'lead_scoring.contacts'::pg_catalog.regclass);
END $$;

-- A call of one of the extension's functions (SQL text returning bigint: rescore_totals,
-- recompute, run_maintenance) in the shard of shard_key: the coordinator selects it
-- for every row of lead_scoring.shards and Citus runs each on its shard's node
-- (src/pg/shard_operations.hpp). It runs the text as its caller, nothing more.
CREATE OR REPLACE FUNCTION lead_scoring.call_in_shard(shard_key bigint, call text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_call_in_shard' LANGUAGE C VOLATILE STRICT;

-- judged_scores(model, as_of) of the contacts in the shard of shard_key: on a Citus
-- coordinator, judged_scores (so evaluate and band_report) gathers them from every shard.
CREATE OR REPLACE FUNCTION lead_scoring.judged_scores_in_shard(shard_key bigint, model text, as_of timestamptz)
RETURNS TABLE (contact_id bigint, score numeric, converted_at timestamptz, first_event_at timestamptz)
    AS 'MODULE_PATHNAME', 'lead_scoring_judged_scores_in_shard' LANGUAGE C STABLE ROWS 10000;

-- train()'s rows of the contacts in the shard of shard_key: each judged at as_of
-- (label, rule score in units) with its raw feature row. On a Citus coordinator,
-- train() gathers them from every shard and fits them as one node does.
CREATE OR REPLACE FUNCTION lead_scoring.training_rows_in_shard(shard_key bigint, model text, as_of timestamptz)
RETURNS TABLE (contact_id bigint, label double precision, rule_score double precision, raw_row bytea)
    AS 'MODULE_PATHNAME', 'lead_scoring_training_rows_in_shard' LANGUAGE C STABLE STRICT ROWS 10000;

-- explain_prediction(model, contact_id) in the shard of shard_key: on a Citus
-- coordinator, explain_prediction routes itself to the contact's shard.
CREATE OR REPLACE FUNCTION lead_scoring.explain_prediction_in_shard(shard_key bigint, model text, contact_id bigint)
RETURNS TABLE (feature text, value double precision, contribution double precision)
    AS 'MODULE_PATHNAME', 'lead_scoring_explain_prediction_in_shard' LANGUAGE C STABLE STRICT;

-- Drops the shards of the extension's distributed and reference tables (on every
-- node, with Citus's metadata of them), on a Citus coordinator; nothing elsewhere.
-- The event trigger lead_scoring_drop_shards calls it when DROP EXTENSION
-- lead_scoring starts: Citus would otherwise leave the shards on the workers when
-- the extension drops its tables.
CREATE OR REPLACE FUNCTION lead_scoring.drop_shards() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT lead_scoring.distributed() OR lead_scoring.citus_worker() THEN
        RETURN;
    END IF;
    -- Citus removes a dropped table's metadata from the workers only with DDL
    -- propagation on: off (as a session may have it), the workers would keep
    -- entries for tables that no longer exist, and a later distribute() could fail
    -- on them. On until the end of this transaction (the tables drop after this).
    PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'on', true);
    PERFORM pg_catalog.citus_drop_all_shards(p.logicalrelid, 'lead_scoring', c.relname::text)
       FROM pg_catalog.pg_dist_partition p
       JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p.logicalrelid
      WHERE c.relnamespace OPERATOR(pg_catalog.=) 'lead_scoring'::pg_catalog.regnamespace;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.on_drop_extension() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'lead_scoring_on_drop_extension' LANGUAGE C;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname OPERATOR(pg_catalog.=) 'lead_scoring_drop_shards') THEN
        CREATE EVENT TRIGGER lead_scoring_drop_shards ON ddl_command_start WHEN TAG IN ('DROP EXTENSION')
            EXECUTE FUNCTION lead_scoring.on_drop_extension();
    END IF;
END $$;

-- The alert relay's claim (claim_alerts) in the shard of shard_key: up to `batch`
-- of its due alerts (src/alert_claims.cpp). On a Citus coordinator claim_alerts
-- runs it in every shard.
CREATE OR REPLACE FUNCTION lead_scoring.claim_alerts_in_shard(shard_key bigint, batch integer, lease interval,
                                                              channels text[])
RETURNS TABLE (alert_id bigint, attempt integer, payload jsonb)
    AS 'MODULE_PATHNAME', 'lead_scoring_claim_alerts_in_shard' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION lead_scoring.distribute(integer) IS
    'Citus: distributes the per-contact tables by contact_id (co-located) and makes the rule tables reference tables; once, on the coordinator';
