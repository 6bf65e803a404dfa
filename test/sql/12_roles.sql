-- Roles: the CRM app (writer) inserts events and contacts and nothing else, yet its
-- events are scored; BI (reader) reads views, alerts, ledger and explain; the admin
-- edits rules and runs adjust/reset/forget. Nobody may rewrite the ledger.
\i test/fresh.sql
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_crm;
DROP ROLE IF EXISTS regress_bi;
DROP ROLE IF EXISTS regress_ops;
DROP ROLE IF EXISTS regress_nobody;
RESET client_min_messages;
CREATE ROLE regress_crm IN ROLE lead_scoring_writer;
CREATE ROLE regress_bi IN ROLE lead_scoring_reader;
CREATE ROLE regress_ops IN ROLE lead_scoring_admin;
CREATE ROLE regress_nobody;

-- The admin builds a model (validation triggers run as the admin).
SET ROLE regress_ops;
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 10 FROM lead_scoring.models;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'big', '$.employees >= 50', 5 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 20 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, condition)
SELECT model_id, 'bad', 'x', 1, '$.a' FROM lead_scoring.models;  -- still validated
RESET ROLE;

-- The CRM app: its events and contacts are scored although it cannot read a score.
SET ROLE regress_crm;
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"employees": 80}');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit'), (2, 'page_visit');
UPDATE lead_scoring.contacts SET attributes = '{"employees": 10}' WHERE contact_id = 2;
UPDATE lead_scoring.events SET properties = '{"fixed": true}' WHERE contact_id = 2;  -- refused: it would not rescore
SELECT count(*) FROM lead_scoring.scores;
SELECT count(*) FROM lead_scoring.contact_scores;
INSERT INTO lead_scoring.ledger (model_id, group_id, contact_id, delta, kind) VALUES (1, 1, 1, 100, 'manual');
SELECT lead_scoring.adjust('m', 1, 100, 'self-service');
UPDATE lead_scoring.event_rules SET points = 100;
DELETE FROM lead_scoring.events;
RESET ROLE;

-- BI reads the results.
SET ROLE regress_bi;
SELECT contact_id, score, rank FROM lead_scoring.leaderboard WHERE model = 'm';
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 1);
SELECT t.name, a.contact_id, a.score FROM lead_scoring.alerts a JOIN lead_scoring.thresholds t USING (threshold_id);
SELECT kind, delta, actor FROM lead_scoring.ledger ORDER BY entry_id;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT lead_scoring.forget_contact(1);
UPDATE lead_scoring.ledger SET delta = 0;
RESET ROLE;

-- The admin adjusts (the ledger names the admin as actor) and acknowledges alerts,
-- but cannot rewrite the ledger or touch the internal state.
SET ROLE regress_ops;
SELECT lead_scoring.adjust('m', 1, 5, 'call went well');  -- crosses MQL (20)
UPDATE lead_scoring.alerts SET acknowledged_at = now() WHERE contact_id = 1 RETURNING contact_id, score, acknowledged_at IS NOT NULL AS acknowledged;
SELECT kind, delta, actor FROM lead_scoring.ledger WHERE kind = 'manual';
DELETE FROM lead_scoring.ledger;
UPDATE lead_scoring.contact_scores SET score = 1000;
SELECT relation, rows FROM lead_scoring.forget_contact(2);
RESET ROLE;

-- A role without a lead_scoring role sees and runs nothing.
SET ROLE regress_nobody;
SELECT count(*) FROM lead_scoring.scores;
SELECT lead_scoring.explain('m', 1);
SELECT lead_scoring.points_of(1);
RESET ROLE;

DROP ROLE regress_crm;
DROP ROLE regress_bi;
DROP ROLE regress_ops;
DROP ROLE regress_nobody;
