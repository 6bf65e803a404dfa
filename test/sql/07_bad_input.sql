-- Bad definitions are refused when written, with an error that names the rule and
-- the problem; bad events are refused whole, leaving no score, ledger or alert.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m'), ('n');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 5 FROM lead_scoring.models WHERE name = 'm';
SELECT rule_id AS visit_rule FROM lead_scoring.event_rules WHERE name = 'visit' \gset
SELECT model_id AS m FROM lead_scoring.models WHERE name = 'm' \gset
SELECT group_id AS n_default FROM lead_scoring.point_groups g JOIN lead_scoring.models USING (model_id) WHERE models.name = 'n' \gset

-- invalid jsonpath: PostgreSQL's own jsonpath parser points at the value
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, condition, points)
VALUES (:m, 'broken', 'page_visit', '$.url ==', 1);
-- a jsonpath that is not a predicate
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, condition, points)
VALUES (:m, 'not a test', 'page_visit', '$.url', 1);
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
VALUES (:m, 'size', '$.employees ? (@ > 10)', 1);
-- properties_match must be an object
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, properties_match, points)
VALUES (:m, 'array match', 'page_visit', '["a"]', 1);
-- a group of another model
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
VALUES (:m, :n_default, 'wrong group', 'page_visit', 1);
INSERT INTO lead_scoring.thresholds (model_id, group_id, name, min_score)
VALUES (:m, :n_default, 'wrong group', 10);
-- points that are not finite, or too precise
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (:m, 'nan', 'x', 'NaN');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (:m, 'inf', 'x', 'Infinity');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (:m, 'tiny', 'x', 0.00001);
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (:m, 'huge', 'x', 1e20);
-- limits
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, max_awards) VALUES (:m, 'zero awards', 'x', 1, 0);
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, cooldown) VALUES (:m, 'negative cooldown', 'x', 1, '-1 hour');
-- nulls
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (:m, 'no type', NULL, 1);
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) VALUES (:m, 'no points', 'x', NULL);
-- groups: negative cap, decay with window, incomplete decay
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) VALUES (:m, 'negative cap', -1);
INSERT INTO lead_scoring.point_groups (model_id, name, decay_after, decay_points, window_size)
VALUES (:m, 'both', '30 days', 5, '90 days');
INSERT INTO lead_scoring.point_groups (model_id, name, decay_after) VALUES (:m, 'half decay', '30 days');
INSERT INTO lead_scoring.point_groups (model_id, name, decay_after, decay_percent) VALUES (:m, 'over 100', '30 days', 150);
-- models: min above max; the default group cannot be deleted or renamed
INSERT INTO lead_scoring.models (name, min_score, max_score) VALUES ('upside down', 10, 0);
DELETE FROM lead_scoring.point_groups WHERE model_id = :m AND name = 'default';
UPDATE lead_scoring.point_groups SET name = 'main' WHERE model_id = :m AND name = 'default';
-- an edit that breaks an existing rule is refused the same way, naming it
UPDATE lead_scoring.event_rules SET points = 'NaN' WHERE rule_id = :visit_rule;

-- Nothing was stored by the refused statements.
SELECT name, points FROM lead_scoring.event_rules ORDER BY rule_id;
SELECT count(*) AS groups FROM lead_scoring.point_groups;

-- Events: NULL contact or type are refused (the whole statement, nothing scored).
\set VERBOSITY terse
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit'), (NULL, 'page_visit');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, NULL);
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (1, 'page_visit', NULL);
\set VERBOSITY default
SELECT count(*) AS events, (SELECT count(*) FROM lead_scoring.ledger) AS ledger,
       (SELECT count(*) FROM lead_scoring.contact_scores) AS scores FROM lead_scoring.events;
-- An event type no rule knows, with odd properties, is stored (never refused).
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (1, 'unheard of', '[1, "two", null]');
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (1, 'page_visit', '"just a string"');
SELECT model, contact_id, score FROM lead_scoring.scores ORDER BY model;

-- A database without any model just stores events (and creates their contacts).
TRUNCATE lead_scoring.models CASCADE;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (77, 'page_visit');
SELECT (SELECT count(*) FROM lead_scoring.contacts WHERE contact_id = 77) AS contact,
       (SELECT count(*) FROM lead_scoring.contact_scores WHERE contact_id = 77) AS scores;

-- The trigger functions refuse to be used any other way.
CREATE TABLE not_events (x int);
CREATE TRIGGER misuse AFTER INSERT ON not_events FOR EACH ROW EXECUTE FUNCTION lead_scoring.score_new_events();
INSERT INTO not_events VALUES (1);
DROP TABLE not_events;
