-- Attribute history (SPEC "Attribute history"): every insert of a contact and every
-- change of its attributes is kept with its time, its actor and the attributes it
-- gave; one row per change and nothing per event; forget_contact erases it.
\i test/fresh.sql
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 1 FROM lead_scoring.models;
CREATE ROLE regress_history_crm;
GRANT lead_scoring_writer TO regress_history_crm;

-- Inserts: one row each, at the transaction's time or at the updated_at the CRM gives.
BEGIN;
SET LOCAL ROLE regress_history_crm;
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"title": "CTO"}'), (2, '{}');
INSERT INTO lead_scoring.contacts (contact_id, attributes, updated_at) VALUES (3, '{"size": 10}', '2026-01-05 10:00+00');
-- A change; an update that leaves the attributes as they were adds nothing; a sync of
-- an older change keeps the time the CRM gives.
UPDATE lead_scoring.contacts SET attributes = '{"title": "CEO"}' WHERE contact_id = 1;
UPDATE lead_scoring.contacts SET attributes = attributes WHERE contact_id = 2;
UPDATE lead_scoring.contacts SET attributes = '{"size": 500}', updated_at = '2026-02-01 09:00+00' WHERE contact_id = 3;
-- Events add nothing, also for a contact they create (its insert is one change).
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'visit'), (1, 'visit'), (4, 'visit');
RESET ROLE;
SELECT contact_id, attributes, actor, changed_at = now() AS at_transaction_time,
       CASE WHEN changed_at <> now() THEN changed_at END AS given_time
  FROM lead_scoring.contact_attribute_history ORDER BY contact_id, change_id;
COMMIT;
-- The writer cannot read or change the history.
SET ROLE regress_history_crm;
SELECT count(*) FROM lead_scoring.contact_attribute_history;
RESET ROLE;
-- Times scoring cannot order by are refused.
\set VERBOSITY terse
UPDATE lead_scoring.contacts SET updated_at = 'infinity' WHERE contact_id = 2;
\set VERBOSITY default
-- forget_contact erases it.
SELECT rows FROM lead_scoring.forget_contact(1) WHERE relation = 'contact_attribute_history';
SELECT contact_id, count(*) FROM lead_scoring.contact_attribute_history GROUP BY contact_id ORDER BY contact_id;
DROP OWNED BY regress_history_crm;
DROP ROLE regress_history_crm;

-- explain dates fit points by the change of attributes that brought them: the first
-- change since which the rule has held (10: large since Feb 1, a later change of its
-- title leaves that; 11: large, then small, large again on Mar 1).
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'large', '$.size > 500', 40 FROM lead_scoring.models WHERE name = 'm';
INSERT INTO lead_scoring.contacts (contact_id, attributes, updated_at) VALUES
    (10, '{"size": 10}', '2026-01-01'), (11, '{"size": 2000}', '2026-01-01');
UPDATE lead_scoring.contacts SET attributes = '{"size": 2000}', updated_at = '2026-02-01' WHERE contact_id = 10;
UPDATE lead_scoring.contacts SET attributes = '{"size": 10}', updated_at = '2026-02-01' WHERE contact_id = 11;
UPDATE lead_scoring.contacts SET attributes = '{"size": 2000, "title": "CTO"}', updated_at = '2026-03-01' WHERE contact_id = 10;
UPDATE lead_scoring.contacts SET attributes = '{"size": 3000}', updated_at = '2026-03-01' WHERE contact_id = 11;
SELECT c AS contact_id, e.source, e.rule, e.occurred_at, e.points
  FROM unnest(ARRAY[10, 11]) c, lead_scoring.explain('m', c) e ORDER BY c;
