-- Diagnostics of maintenance's row query, untimed (bench/maintenance.sh runs this in a
-- fresh copy of the template). Variables: as_of, batch (rows per batch), k (batches).
--   1. the generic plan of the query that locks a batch's rows, as lead_scoring
--      prepares it (and of the query of a batch that goes on after the previous one's
--      last row, where maintenance_batch takes after_due, after_contact, after_model);
--   2. k batches in ONE transaction, each from the first due row (the two-argument
--      maintenance_batch), per-batch times by quarter, then the row query in that
--      transaction: every row updated so far keeps its old entry in the due index, and
--      the scan visits each one's heap tuple to find it dead;
--   3. where available, the same k batches in one transaction, each going on after
--      the last row of the one before (as run_maintenance does with that version);
--   4. the same k batches, each committed (bench.run_batches, the worker's way), and
--      the row query from the first due row after them: once the batches have
--      committed, the first scan that meets a dead entry marks it killed and later
--      scans skip it without visiting the heap (batches that start from the first due
--      row do this as they go; batches that go on after the last row never meet
--      them, so this query pays for them once).
-- Steps 2 and 3 are rolled back; step 4 commits.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SELECT bench.batch_continues() AS continues, array_agg(model_id) AS ids FROM lead_scoring.models \gset
SET bench.as_of = :'as_of';
SET bench.batch = :batch;
SET bench.k = :k;
SET plan_cache_mode = force_generic_plan;
\if :continues
PREPARE due(timestamptz, integer[], bigint) AS
SELECT model_id, contact_id FROM lead_scoring.contact_scores
 WHERE maintenance_due_at <= $1 AND model_id = ANY ($2)
 ORDER BY maintenance_due_at, contact_id, model_id LIMIT $3 FOR UPDATE SKIP LOCKED;
PREPARE due_next(timestamptz, integer[], bigint, timestamptz, bigint, integer) AS
SELECT model_id, contact_id FROM lead_scoring.contact_scores
 WHERE maintenance_due_at <= $1 AND model_id = ANY ($2) AND (maintenance_due_at, contact_id, model_id) > ($4, $5, $6)
 ORDER BY maintenance_due_at, contact_id, model_id LIMIT $3 FOR UPDATE SKIP LOCKED;
\else
PREPARE due(timestamptz, integer[], bigint) AS
SELECT model_id, contact_id FROM lead_scoring.contact_scores
 WHERE maintenance_due_at <= $1 AND model_id = ANY ($2)
 ORDER BY maintenance_due_at LIMIT $3 FOR UPDATE SKIP LOCKED;
\endif

\echo -- 1. the row query of a batch from the first due row, generic plan:
EXPLAIN (COSTS OFF) EXECUTE due(:'as_of', :'ids', :batch);
\if :continues
\echo -- and of a batch going on after the last row of the previous one:
EXPLAIN (COSTS OFF) EXECUTE due_next(:'as_of', :'ids', :batch, :'as_of', 0, 0);
\endif

\echo -- 2. :k batches of :batch in ONE transaction, each from the first due row, then the row query in it:
BEGIN;
CREATE TEMP TABLE one_tx (batch integer, ms numeric) ON COMMIT DROP;
DO $$
DECLARE
    t0 timestamptz;
BEGIN
    FOR i IN 1..current_setting('bench.k')::integer LOOP
        t0 := clock_timestamp();
        PERFORM * FROM lead_scoring.maintenance_batch(current_setting('bench.as_of')::timestamptz,
                                                      current_setting('bench.batch')::integer);
        INSERT INTO one_tx VALUES (i, round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1));
    END LOOP;
END $$;
SELECT min(batch) AS from_batch, max(batch) AS to_batch, round(avg(ms), 1) AS avg_ms_per_batch, max(ms) AS max_ms
  FROM (SELECT *, ntile(4) OVER (ORDER BY batch) AS part FROM one_tx) x GROUP BY part ORDER BY part;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE due(:'as_of', :'ids', :batch);
ROLLBACK;

\if :continues
\echo -- 3. the same :k batches in ONE transaction, each going on after the last row of the one before:
BEGIN;
CREATE TEMP TABLE one_tx (batch integer, ms numeric) ON COMMIT DROP;
CREATE TEMP TABLE one_tx_last (ld timestamptz, lc bigint, lm integer) ON COMMIT DROP;
DO $$
DECLARE
    t0 timestamptz;
    ld timestamptz;
    lc bigint;
    lm integer;
BEGIN
    FOR i IN 1..current_setting('bench.k')::integer LOOP
        t0 := clock_timestamp();
        SELECT last_due, last_contact, last_model INTO ld, lc, lm
          FROM lead_scoring.maintenance_batch(current_setting('bench.as_of')::timestamptz,
                                              current_setting('bench.batch')::integer, ld, lc, lm);
        INSERT INTO one_tx VALUES (i, round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1));
    END LOOP;
    INSERT INTO one_tx_last VALUES (ld, lc, lm);
END $$;
SELECT min(batch) AS from_batch, max(batch) AS to_batch, round(avg(ms), 1) AS avg_ms_per_batch, max(ms) AS max_ms
  FROM (SELECT *, ntile(4) OVER (ORDER BY batch) AS part FROM one_tx) x GROUP BY part ORDER BY part;
SELECT ld, lc, lm FROM one_tx_last \gset
\echo -- the next batch row query, from the first due row:
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE due(:'as_of', :'ids', :batch);
\echo -- and going on after the last row:
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE due_next(:'as_of', :'ids', :batch, :'ld', :lc, :lm);
ROLLBACK;
\endif

\echo -- 4. the same :k batches, each committed (bench.run_batches), then the row query from the first due row:
TRUNCATE bench.batch_times;
CALL bench.run_batches(:'as_of', :batch, :k);
SELECT min(batch) AS from_batch, max(batch) AS to_batch, round(avg(ms), 1) AS avg_ms_per_batch, max(ms) AS max_ms
  FROM (SELECT *, ntile(4) OVER (ORDER BY batch) AS part FROM bench.batch_times) x GROUP BY part ORDER BY part;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE due(:'as_of', :'ids', :batch);
