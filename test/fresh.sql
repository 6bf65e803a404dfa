-- Every test starts from a freshly created extension (tests share one database).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS lead_scoring CASCADE;
CREATE EXTENSION lead_scoring;
RESET client_min_messages;
