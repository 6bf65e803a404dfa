---------------------------------------------------------------------------
-- Maintenance: decay steps and window expiries (the background worker calls these)
---------------------------------------------------------------------------

-- Applies every decay step and window expiry due at as_of, lead_scoring.batch_size
-- score rows at a time, all in the caller's transaction; returns how many group
-- balances changed. Idempotent: a second call with the same as_of changes nothing.
-- Rows that a live event holds are skipped: that event applies what is due itself.
CREATE FUNCTION lead_scoring.run_maintenance(as_of timestamptz DEFAULT pg_catalog.now())
RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_run_maintenance' LANGUAGE C VOLATILE;

-- One batch of the same work, for a caller that commits between batches (the
-- worker): `contacts` score rows brought up to date, `balances` that changed.
CREATE FUNCTION lead_scoring.maintenance_batch(as_of timestamptz, batch_size integer,
                                               OUT contacts bigint, OUT balances bigint)
    AS 'MODULE_PATHNAME', 'lead_scoring_maintenance_batch' LANGUAGE C VOLATILE;
