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

-- (Nothing yet: 0.2 so far changes only definitions: lead_scoring.restoring() and
-- the WHEN clauses that use it, model_id_of() and the explain and band_report that
-- use it.)
