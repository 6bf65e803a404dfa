-- adjust() and reset(): an operator's changes are ledger rows of kind manual/reset
-- with actor = current_user; a positive adjustment is cut by the cap like an award,
-- the model clamp applies, thresholds cross as with events, explain shows them.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, max_score) VALUES ('m', 100);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 20 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points
  FROM (VALUES ('visit', 'default', 'page_visit', 10), ('open', 'email', 'email_open', 5))
       AS r(name, point_group, event_type, points)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score)
SELECT model_id, 'MQL', 50 FROM lead_scoring.models;

INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit'), (1, 'email_open');
-- 15 + 40 (default group) = 55: the adjustment crosses MQL.
SELECT lead_scoring.adjust('m', 1, 40, 'met at the trade fair');
-- The email group holds 5 of its cap of 20: +30 is cut to 15.
SELECT lead_scoring.adjust('m', 1, 30, 'replied to the newsletter', 'email');
-- Negative adjustments are never cut.
SELECT lead_scoring.adjust('m', 1, -2.5, 'typo in the last one', 'email');
-- The model clamps the total at 100 (explain shows the clamp row).
SELECT lead_scoring.adjust('m', 1, 90, 'board member');
SELECT score, behavior_score FROM lead_scoring.scores WHERE contact_id = 1;
SELECT kind, delta, reason, actor = current_user AS actor_is_caller, rule_id, event_id
  FROM lead_scoring.ledger WHERE contact_id = 1 ORDER BY entry_id;
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 1);
SELECT sum(points) AS explained FROM lead_scoring.explain('m', 1) \gset
SELECT :explained = score AS explain_adds_up FROM lead_scoring.scores WHERE contact_id = 1;

-- Resetting one group zeroes its balance; falling below MQL re-arms it.
SELECT lead_scoring.reset('m', 1, 'moved to nurture', 'default');
SELECT lead_scoring.reset('m', 1, 'stage change');  -- every group, one row each
SELECT kind, delta, reason FROM lead_scoring.ledger WHERE contact_id = 1 AND kind = 'reset' ORDER BY entry_id;
SELECT score, behavior_score FROM lead_scoring.scores WHERE contact_id = 1;
SELECT lead_scoring.adjust('m', 1, 60, 'requalified');
SELECT t.name, a.score, a.event_id FROM lead_scoring.alerts a JOIN lead_scoring.thresholds t USING (threshold_id)
 WHERE a.contact_id = 1 ORDER BY a.alert_id;
SELECT sum(points) AS explained FROM lead_scoring.explain('m', 1) \gset
SELECT :explained = score AS explain_adds_up FROM lead_scoring.scores WHERE contact_id = 1;

-- An adjustment for an unknown contact creates it, like an event does.
SELECT lead_scoring.adjust('m', 2, 7, 'imported from the old CRM');
SELECT contact_id, attributes FROM lead_scoring.contacts WHERE contact_id = 2;

-- Bad calls name the argument or value, and change nothing.
SELECT lead_scoring.adjust(NULL, 1, 5, 'x');
SELECT lead_scoring.adjust('m', NULL, 5, 'x');
SELECT lead_scoring.adjust('m', 1, NULL, 'x');
SELECT lead_scoring.adjust('m', 1, 5, NULL);
SELECT lead_scoring.adjust('nope', 1, 5, 'x');
SELECT lead_scoring.adjust('m', 1, 5, 'x', 'nope');
SELECT lead_scoring.adjust('m', 1, 'NaN', 'x');
SELECT lead_scoring.adjust('m', 1, 1.23456, 'x');
SELECT lead_scoring.adjust('m', 1, 1e15, 'x');
SELECT lead_scoring.reset('m', 1, 'x', 'nope');
SELECT lead_scoring.reset('m', NULL, 'x');
SELECT count(*) AS ledger_rows, sum(delta) AS ledger_sum FROM lead_scoring.ledger WHERE contact_id = 1;

-- Sums that no longer fit: SQLSTATE 22003, and nothing stored.
\set VERBOSITY sqlstate
SELECT lead_scoring.adjust('m', 1, 9999999999999, 'huge') FROM generate_series(1, 1000);
\set VERBOSITY default
SELECT count(*) AS ledger_rows, sum(delta) AS ledger_sum FROM lead_scoring.ledger WHERE contact_id = 1;

-- The ledger is append-only.
UPDATE lead_scoring.ledger SET delta = 1000 WHERE contact_id = 1;
DELETE FROM lead_scoring.ledger WHERE contact_id = 1;
TRUNCATE lead_scoring.ledger;
SELECT count(*) AS ledger_rows FROM lead_scoring.ledger WHERE contact_id = 1;
