---------------------------------------------------------------------------
-- Restores with pg_dump's default options (README "Backup and restore")
---------------------------------------------------------------------------
-- A dump holds the extension's tables whole: models with their default groups,
-- events with the scores, ledger rows and alerts they already produced. When a
-- restore loads them, the triggers that create a model's default group, fit a new
-- contact and score new events must stand aside, or the restore would fail on the
-- default group's key and score every event a second time.
--
-- pg_dump and pg_restore begin every session (plain script, custom archive,
-- data-only, each parallel worker) with the same settings, two of which no
-- application sets while it writes events: `SET check_function_bodies = false` and
-- an empty search_path. Those two, in a role that may write the scores itself (the
-- extension's owner or a superuser, as a restore needs), mean "this is a restore".
-- A CRM role (lead_scoring_writer) is never taken for a restore, whatever it sets.
-- The triggers test it in their WHEN clause, so a restore does not even call them.
-- In C (src/restore_detection.cpp): it runs once per statement on every event insert.
CREATE OR REPLACE FUNCTION lead_scoring.restoring() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lead_scoring_restoring' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.restoring() IS
    'true in a session that loads a pg_dump archive (pg_dump''s settings, a role that may write scores): '
    'the triggers that create default groups, fit new contacts and score events stand aside';
