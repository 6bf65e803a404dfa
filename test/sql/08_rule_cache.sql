-- Compiled rules are cached per backend and rebuilt when a rule table changes: an
-- edit applies to the very next event (other sessions: see test/specs/rule_edit).
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 5 FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT models, event_rules, event_types FROM lead_scoring.rule_cache_stats();
SELECT builds AS builds_before FROM lead_scoring.rule_cache_stats() \gset

-- Events alone do not rebuild the cache.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit'), (2, 'page_visit');
SELECT builds = :builds_before AS reused FROM lead_scoring.rule_cache_stats();

-- An edit does, and the next event uses it.
UPDATE lead_scoring.event_rules SET points = 7 WHERE name = 'visit';
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT builds > :builds_before AS rebuilt FROM lead_scoring.rule_cache_stats();
SELECT delta FROM lead_scoring.ledger WHERE contact_id = 1 ORDER BY entry_id;

-- Inside a transaction, too; and a rolled-back edit is forgotten.
BEGIN;
UPDATE lead_scoring.event_rules SET points = 100 WHERE name = 'visit';
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (3, 'page_visit');
ROLLBACK;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (3, 'page_visit');
SELECT delta FROM lead_scoring.ledger WHERE contact_id = 3;

-- New rules, thresholds and deactivations all count as edits.
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'open', 'email_open', 1 FROM lead_scoring.models;
UPDATE lead_scoring.event_rules SET active = false WHERE name = 'visit';
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (4, 'page_visit'), (4, 'email_open');
SELECT r.name, l.delta FROM lead_scoring.ledger l JOIN lead_scoring.event_rules r USING (rule_id) WHERE l.contact_id = 4;

-- 1,000 rules: the cache stays small (bytes is reported; here only bounded).
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, properties_match, condition, points)
SELECT model_id, 'rule ' || i, 'type_' || (i % 50), jsonb_build_object('k', i), '$.v > 3', 1
  FROM lead_scoring.models, generate_series(1, 1000) AS i;
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (5, 'type_7', '{"k": 7, "v": 5}');
SELECT event_rules, event_types, bytes < 1024 * 1024 AS under_1mb FROM lead_scoring.rule_cache_stats();
SELECT r.name, l.delta FROM lead_scoring.ledger l JOIN lead_scoring.event_rules r USING (rule_id) WHERE l.contact_id = 5;
