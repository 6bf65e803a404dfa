-- Every function that takes a model name answers an unknown one with the same
-- error (SQLSTATE 42704, `model "x" does not exist`), and one that needs the
-- model's rules answers an inactive one with `model "x" is not active`. explain
-- reads stored scores, so it still explains an inactive model's.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('m', 'buy'), ('old', 'buy');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'visit', 5 FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'visit');
UPDATE lead_scoring.models SET active = false WHERE name = 'old';
\set VERBOSITY default
\set SHOW_CONTEXT never

SELECT * FROM lead_scoring.explain('nope', 1);
SELECT lead_scoring.adjust('nope', 1, 5, 'x');
SELECT lead_scoring.reset('nope', 1, 'x');
SELECT lead_scoring.recompute('nope');
SELECT lead_scoring.recompute('nope', 1);
SELECT lead_scoring.recompute('nope', 1, 10);
SELECT * FROM lead_scoring.evaluate('nope');
SELECT * FROM lead_scoring.band_report('nope');
SELECT * FROM lead_scoring.judged_scores('nope');

-- An inactive model: its rules are not in force, its stored scores stay readable.
SELECT point_group, source, rule, points FROM lead_scoring.explain('old', 1);
SELECT lead_scoring.adjust('old', 1, 5, 'x');
SELECT lead_scoring.reset('old', 1, 'x');
SELECT lead_scoring.recompute('old');
SELECT * FROM lead_scoring.evaluate('old');
SELECT * FROM lead_scoring.band_report('old');

-- Nothing was written by the refused calls.
SELECT kind, count(*) FROM lead_scoring.ledger GROUP BY kind ORDER BY kind;
