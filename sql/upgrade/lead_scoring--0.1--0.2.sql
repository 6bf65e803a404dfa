-- lead_scoring 0.1 -> 0.2 (ALTER EXTENSION lead_scoring UPDATE), built by the Makefile:
-- this file, then every definition part (sql/parts/04_* on: functions, triggers,
-- views, grants, pg_dump marks, all written with CREATE OR REPLACE or otherwise
-- safe to run again), which brings every definition to 0.2's.
--
-- Here goes what cannot simply be run again: changes to tables, columns,
-- constraints and types (columns new in 0.2 come last, as in a fresh install, with
-- defaults and set-based backfills), and DROPs of definitions 0.2 no longer has or
-- whose signature or return type changed. test/t/003_upgrade.pl checks that an
-- updated database keeps every row and has exactly a fresh install's catalog.
\echo Use "ALTER EXTENSION lead_scoring UPDATE" to load this file. \quit

-- Event times scoring can compute with (issue 13; sql/parts/02_contact_tables.sql).
-- Events already stored outside those years (0.1 took 'infinity') keep the
-- constraint unvalidated, with a warning, rather than failing the update.
ALTER TABLE lead_scoring.events ADD CONSTRAINT occurred_at_from_year_1_to_9999
    CHECK (occurred_at >= '0001-01-01 00:00:00+00' AND occurred_at < '10000-01-01 00:00:00+00') NOT VALID;
DO $$
DECLARE
    outside bigint;
BEGIN
    SELECT count(*) INTO outside FROM lead_scoring.events e
     WHERE NOT (e.occurred_at >= '0001-01-01 00:00:00+00' AND e.occurred_at < '10000-01-01 00:00:00+00');
    IF outside = 0 THEN
        ALTER TABLE lead_scoring.events VALIDATE CONSTRAINT occurred_at_from_year_1_to_9999;
    ELSE
        RAISE WARNING 'lead_scoring: % events have an occurred_at outside the years 1 to 9999; new ones are refused', outside
            USING HINT = 'Correct or delete them (forget_contact, or UPDATE lead_scoring.events), then run ALTER TABLE '
                         'lead_scoring.events VALIDATE CONSTRAINT occurred_at_from_year_1_to_9999.';
    END IF;
END $$;
