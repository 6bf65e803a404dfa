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

-- One serialised contact state (issue 20; sql/parts/03_internal_tables.sql): 0.1's
-- fifteen parallel arrays of each score row become the `state` column, written by
-- the core's serialiser. Arrays of one kind that differ in length (0.1 cut them
-- silently) stop the update with an error naming the contact. The group scores the
-- state stores are worked out by the core under each model's groups (as 0.1's
-- views did: the scores do not change).
-- group_scores reads the arrays, so it is dropped here and created again by the
-- definitions that follow (a user's view built on it would stop the update: drop it
-- first and create it again after).
CREATE FUNCTION lead_scoring.state_from_arrays(integer, bigint, integer[], bigint[], bigint[], bigint[],
    bigint[], integer[], bigint[], bigint[], integer[], timestamptz[],
    integer[], timestamptz[], bigint[], bigint[], bigint[]) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lead_scoring_state_from_arrays' LANGUAGE C IMMUTABLE;
DROP VIEW lead_scoring.group_scores;
ALTER TABLE lead_scoring.contact_scores ADD COLUMN state bytea NOT NULL DEFAULT '\x0100000000';
UPDATE lead_scoring.contact_scores s
   SET state = lead_scoring.state_from_arrays(s.model_id, s.contact_id,
           s.group_ids, s.group_fit_units, s.group_balance_units, s.group_decay_steps,
           s.fit_rule_ids, s.fit_rule_groups, s.fit_rule_units,
           s.limit_rule_ids, s.limit_awards, s.limit_last_at,
           s.window_group_ids, s.window_occurred_at, s.window_units, s.window_rule_ids, s.window_event_ids);
ALTER TABLE lead_scoring.contact_scores
    DROP COLUMN group_ids, DROP COLUMN group_fit_units, DROP COLUMN group_balance_units,
    DROP COLUMN fit_rule_ids, DROP COLUMN fit_rule_groups, DROP COLUMN fit_rule_units,
    DROP COLUMN limit_rule_ids, DROP COLUMN limit_awards, DROP COLUMN limit_last_at,
    DROP COLUMN group_decay_steps, DROP COLUMN window_group_ids, DROP COLUMN window_occurred_at,
    DROP COLUMN window_units, DROP COLUMN window_rule_ids, DROP COLUMN window_event_ids;
DROP TYPE lead_scoring.maintained_state;
DROP FUNCTION lead_scoring.state_from_arrays(integer, bigint, integer[], bigint[], bigint[], bigint[],
    bigint[], integer[], bigint[], bigint[], integer[], timestamptz[],
    integer[], timestamptz[], bigint[], bigint[], bigint[]);
