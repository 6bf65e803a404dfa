---------------------------------------------------------------------------
-- Maintenance: decay steps and window expiries (the background worker calls these)
---------------------------------------------------------------------------

-- Applies every decay step and window expiry due at as_of, lead_scoring.batch_size
-- score rows at a time, all in the caller's transaction; returns how many group
-- balances changed. Idempotent: a second call with the same as_of changes nothing.
-- Rows that a live event holds are skipped: that event applies what is due itself.
CREATE OR REPLACE FUNCTION lead_scoring.run_maintenance(as_of timestamptz DEFAULT pg_catalog.now())
RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_run_maintenance' LANGUAGE C VOLATILE;

-- One batch of the same work, for a caller that commits between batches (the
-- worker): `contacts` score rows brought up to date, `balances` that changed, and
-- the last row's key, which the next batch of the same run takes as after_* so
-- that it goes on from there (null: start from the first due row).
CREATE OR REPLACE FUNCTION lead_scoring.maintenance_batch(as_of timestamptz, batch_size integer,
                                               after_due timestamptz DEFAULT NULL,
                                               after_contact bigint DEFAULT NULL,
                                               after_model integer DEFAULT NULL,
                                               OUT contacts bigint, OUT balances bigint,
                                               OUT last_due timestamptz, OUT last_contact bigint,
                                               OUT last_model integer)
    AS 'MODULE_PATHNAME', 'lead_scoring_maintenance_batch' LANGUAGE C VOLATILE;
