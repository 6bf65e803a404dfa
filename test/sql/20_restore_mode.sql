-- Restores with pg_dump's default options (README "Backup and restore"): a session
-- that looks like pg_dump's output (check_function_bodies off and an empty
-- search_path, as pg_dump and pg_restore set them) in a role that may write scores
-- itself is a restore: a model gets no default group (the dump brings it), a
-- contact no fit and an event no score (the dump brings them). Anyone else, and
-- the same role in any other session, scores as always.
\i test/fresh.sql
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_crm;
RESET client_min_messages;
CREATE ROLE regress_crm IN ROLE lead_scoring_writer;
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 10 FROM lead_scoring.models;

SELECT lead_scoring.restoring();                       -- an ordinary session
SET check_function_bodies = off;
SELECT lead_scoring.restoring();                       -- one of the two is not enough
SET search_path = '';
SELECT lead_scoring.restoring();                       -- both, as a superuser: a restore

-- What a restore loads comes whole: nothing is created, fitted or scored.
INSERT INTO lead_scoring.models (model_id, name) VALUES (50, 'restored');
INSERT INTO lead_scoring.contacts (contact_id) VALUES (1);
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT m.name, count(g.group_id) AS groups FROM lead_scoring.models m
  LEFT JOIN lead_scoring.point_groups g USING (model_id) GROUP BY m.name ORDER BY m.name;
SELECT count(*) AS score_rows, (SELECT count(*) FROM lead_scoring.ledger) AS ledger_rows FROM lead_scoring.contact_scores;
DELETE FROM lead_scoring.models WHERE name = 'restored';  -- (a real dump would have brought its group)

-- The CRM's role is never taken for a restore, whatever it sets.
SET ROLE regress_crm;
SELECT lead_scoring.restoring();
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (2, 'page_visit');
RESET ROLE;
SELECT pg_catalog.set_config('search_path', 'public', false);  -- pg_dump's way: set_config('search_path', '', false)
SELECT lead_scoring.restoring();
SELECT pg_catalog.set_config('search_path', '', false);
SELECT lead_scoring.restoring();
RESET search_path;
RESET check_function_bodies;
SELECT lead_scoring.restoring();
SELECT model, contact_id, score FROM lead_scoring.scores ORDER BY contact_id;

-- Back to normal, the contact restored without a score row gets one at its next event.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT model, contact_id, score FROM lead_scoring.scores ORDER BY contact_id;
SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
 WHERE tgname IN ('score', 'fit_new', 'create_default_group') ORDER BY tgname;

DROP ROLE regress_crm;
