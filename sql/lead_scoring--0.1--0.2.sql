-- lead_scoring 0.1 -> 0.2 (ALTER EXTENSION lead_scoring UPDATE). Every schema change
-- of 0.2 comes here as well as into sql/parts, so that an updated database has the
-- same objects as a fresh install (test/t/003_upgrade.pl compares the catalogs) and
-- keeps every row. Data changes are set-based; new columns come last, with defaults.
\echo Use "ALTER EXTENSION lead_scoring UPDATE" to load this file. \quit

---------------------------------------------------------------------------
-- Restores with pg_dump's default options (issue 12; sql/parts/04_restoring.sql)
---------------------------------------------------------------------------
CREATE FUNCTION lead_scoring.restoring() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.current_setting('check_function_bodies') OPERATOR(pg_catalog.=) 'off'
   AND pg_catalog.current_setting('search_path') OPERATOR(pg_catalog.=) ANY ('{"", "\"\""}'::text[])
   AND pg_catalog.has_table_privilege('lead_scoring.contact_scores'::pg_catalog.regclass, 'INSERT');
COMMENT ON FUNCTION lead_scoring.restoring() IS
    'true in a session that loads a pg_dump archive (pg_dump''s settings, a role that may write scores): '
    'the triggers that create default groups, fit new contacts and score events stand aside';
REVOKE ALL ON FUNCTION lead_scoring.restoring() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lead_scoring.restoring() TO PUBLIC;

DROP TRIGGER create_default_group ON lead_scoring.models;
CREATE TRIGGER create_default_group AFTER INSERT ON lead_scoring.models
    FOR EACH ROW WHEN (NOT lead_scoring.restoring())  -- a restore loads the default groups itself
    EXECUTE FUNCTION lead_scoring.create_default_group();

DROP TRIGGER score ON lead_scoring.events;
CREATE TRIGGER score AFTER INSERT ON lead_scoring.events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring())
    EXECUTE FUNCTION lead_scoring.score_new_events();

DROP TRIGGER fit_new ON lead_scoring.contacts;
CREATE TRIGGER fit_new AFTER INSERT ON lead_scoring.contacts
    REFERENCING NEW TABLE AS new_contacts
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring())
    EXECUTE FUNCTION lead_scoring.fit_new_contacts();
