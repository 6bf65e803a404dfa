---------------------------------------------------------------------------
-- On a Citus coordinator, the definitions it needs instead of one node's
-- (lead_scoring.use_citus_definitions, sql/parts/09_citus.sql): after every part
-- that defines them, so that an update of the extension on a cluster keeps them.
---------------------------------------------------------------------------
DO $$
BEGIN
    IF lead_scoring.distributed() THEN
        PERFORM lead_scoring.use_citus_definitions();
    END IF;
END $$;
