-- Every test starts from a freshly created extension (tests share one database).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS lead_scoring CASCADE;
CREATE EXTENSION lead_scoring;
-- Against a Citus coordinator (test/t/008_citus_regress.pl sets
-- lead_scoring_test.citus), the extension is distributed first: the same tests
-- must then give the same output.
SELECT coalesce(current_setting('lead_scoring_test.citus', true), 'off') = 'on' AS on_citus \gset
\if :on_citus
SELECT lead_scoring.distribute(4) \gset
SET citus.enable_ddl_propagation = off;  -- (a test's own functions stay on the coordinator)
\endif
RESET client_min_messages;
