-- The maintenance benchmark's model and helpers. Run in a fresh database after
-- CREATE EXTENSION lead_scoring, before the events are loaded (bench/maintenance.sh).
--
-- Model `m`: one point group, `default`, that decays 10 points every 7 days after 30
-- days without activity (never below 0), and one event rule, `visit`, worth 40 points.
-- Each contact gets one visit between Jan 1 and Jan 21 2026, so at as_of = Mar 1 2026
-- every contact has 2 to 5 decay steps due (40 -> 20, 10, 0 or 0: 5 steps are cut at 0).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
INSERT INTO lead_scoring.models (name) VALUES ('m');
UPDATE lead_scoring.point_groups SET decay_after = '30 days', decay_every = '7 days', decay_points = 10
 WHERE name = 'default';
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'visit', 40 FROM lead_scoring.models;

CREATE SCHEMA bench;

-- One row per timed batch of bench.run_batches (and per live insert of bench.live_inserts).
CREATE TABLE bench.batch_times (batch integer, contacts bigint, balances bigint, ms numeric);
CREATE TABLE bench.insert_times (n integer, contact_id bigint, ms numeric);

-- The worker's way: one maintenance_batch per transaction until a short batch (or
-- max_batches batches, when given). Where maintenance_batch takes the previous batch's
-- last row (after_due, after_contact, after_model; the worker passes them), each batch
-- goes on from there, as the worker's do; otherwise (the two-argument version) each
-- batch starts from the first due row. from_start => true forces the latter. The time
-- of a batch runs from just before maintenance_batch (whose SELECT ... FOR UPDATE takes
-- the rows' locks) to just after its COMMIT (which releases them), so it bounds how
-- long any contact row stays locked. Durations are kept in a variable and written once
-- at the end, so the loop itself writes nothing but the batches.
CREATE FUNCTION bench.batch_continues() RETURNS boolean LANGUAGE sql AS $$
    SELECT to_regprocedure('lead_scoring.maintenance_batch(timestamptz,integer,timestamptz,bigint,integer)') IS NOT NULL
$$;

CREATE PROCEDURE bench.run_batches(as_of timestamptz, batch_size integer, max_batches integer DEFAULT NULL,
                                   from_start boolean DEFAULT false)
LANGUAGE plpgsql AS $$
DECLARE
    continues boolean := bench.batch_continues() AND NOT from_start;
    n bigint;
    b bigint;
    ld timestamptz;
    lc bigint;
    lm integer;
    t0 timestamptz;
    ms numeric[] := '{}';
    ns bigint[] := '{}';
    bs bigint[] := '{}';
BEGIN
    LOOP
        t0 := clock_timestamp();
        IF continues THEN
            -- Dynamic, so that the procedure also compiles against the two-argument version.
            EXECUTE 'SELECT contacts, balances, last_due, last_contact, last_model
                       FROM lead_scoring.maintenance_batch($1, $2, $3, $4, $5)'
               INTO n, b, ld, lc, lm USING as_of, batch_size, ld, lc, lm;
        ELSE
            SELECT contacts, balances INTO n, b FROM lead_scoring.maintenance_batch(as_of, batch_size);
        END IF;
        COMMIT;
        ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
        ns := ns || n;
        bs := bs || b;
        EXIT WHEN n < batch_size OR cardinality(ms) >= max_batches;
    END LOOP;
    INSERT INTO bench.batch_times SELECT i, ns[i], bs[i], round(ms[i], 3) FROM generate_subscripts(ms, 1) i;
    COMMIT;
END $$;

-- A live application during maintenance: one event per transaction, each for the
-- contact that maintenance will reach first (the lowest maintenance_due_at still due,
-- as committed), i.e. most of the time a row that the running batch holds. So every
-- insert shows the worst case: waiting for the rest of a batch. The event occurs at
-- as_of, so it applies the steps due by then itself (as maintenance would) and adds 40.
-- Stops after max_inserts or when no due contact is left; pause_ms between inserts.
CREATE PROCEDURE bench.live_inserts(as_of timestamptz, pause_ms integer, max_inserts integer)
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
    t0 timestamptz;
    ms numeric[] := '{}';
    cs bigint[] := '{}';
BEGIN
    FOR i IN 1..max_inserts LOOP
        t0 := clock_timestamp();
        INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
        SELECT s.contact_id, 'visit', as_of FROM lead_scoring.contact_scores s
         WHERE s.maintenance_due_at <= as_of ORDER BY s.maintenance_due_at LIMIT 1
        RETURNING contact_id INTO c;
        COMMIT;
        EXIT WHEN c IS NULL;
        ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
        cs := cs || c;
        c := NULL;
        PERFORM pg_sleep(pause_ms / 1000.0);
    END LOOP;
    INSERT INTO bench.insert_times SELECT i, cs[i], round(ms[i], 3) FROM generate_subscripts(ms, 1) i;
    COMMIT;
END $$;
