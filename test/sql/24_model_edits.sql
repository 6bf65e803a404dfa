-- Edits of models and groups keep scores, explain and the ledger in agreement
-- (issue 13, class 5). Edits that change how stored states add up (a group's cap or
-- counts_toward_total, the model's min_score/max_score) rescore every stored score
-- in the editing transaction; deleting a group that has held points is refused.
\i test/fresh.sql
\set SHOW_CONTEXT never
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points)
SELECT model_id, g.name, g.cap FROM lead_scoring.models, (VALUES ('email', 30), ('side', NULL), ('unused', NULL)) AS g(name, cap);
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points
  FROM lead_scoring.point_groups g
  JOIN (VALUES ('default', 'visit', 'visit', 10), ('email', 'open', 'open', 12), ('side', 'ticket', 'ticket', 7))
       AS r(grp, name, event_type, points) ON r.grp = g.name;
INSERT INTO lead_scoring.attribute_rules (model_id, group_id, name, condition, points)
SELECT model_id, group_id, 'emea', '$.region == "emea"', 5 FROM lead_scoring.point_groups WHERE name = 'side';
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"region": "emea"}'), (2, '{}');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES
    (1, 'visit'), (1, 'open'), (1, 'open'), (1, 'ticket'), (2, 'visit'), (2, 'visit'), (2, 'open');
SELECT lead_scoring.adjust('m', 2, 4, 'phone call', 'side');

-- Every score is the sum of its explain rows and every balance the sum of its ledger
-- rows. (explain's clamp row makes the first hold for any stored total: the scores
-- themselves are the expected output, and the last line checks that rescoring the
-- stored group states again changes nothing.)
CREATE FUNCTION pg_temp.agreement() RETURNS TABLE (contact_id bigint, score numeric, explained numeric, balances_agree boolean)
LANGUAGE sql AS $$
    SELECT s.contact_id, s.score,
           (SELECT sum(x.points) FROM lead_scoring.explain('m', s.contact_id) x),
           NOT EXISTS (SELECT 1 FROM lead_scoring.contact_scores cs,
                              lead_scoring.state_groups(cs.state) u
                        WHERE cs.contact_id = s.contact_id AND cs.model = 'm'
                          AND u.behavior_score <> coalesce((SELECT sum(l.delta) FROM lead_scoring.ledger l
                                                    WHERE l.contact_id = s.contact_id AND l.group_id = u.group_id), 0))
      FROM lead_scoring.scores s WHERE s.model = 'm' ORDER BY s.contact_id
$$;
CREATE FUNCTION pg_temp.totals_stale() RETURNS bigint LANGUAGE sql AS
$$ SELECT lead_scoring.rescore_totals(model_id) FROM lead_scoring.models WHERE name = 'm' $$;
SELECT * FROM pg_temp.agreement();   -- 1: 10 + 24 + 12 = 46; 2: 20 + 12 + 4 = 36

-- The side group stops counting: its 12 and 4 points leave the totals at once.
UPDATE lead_scoring.point_groups SET counts_toward_total = false WHERE name = 'side';
SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores WHERE model = 'm' ORDER BY contact_id;
SELECT * FROM pg_temp.agreement();
-- The email cap comes down to 15: 1's 24 email points show as 15 (a clamp row explains it).
UPDATE lead_scoring.point_groups SET max_points = 15 WHERE name = 'email';
SELECT * FROM pg_temp.agreement();
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 1) WHERE source = 'clamp';
-- The model's max_score comes down to 30, then min_score goes up to 40 (both clamp).
UPDATE lead_scoring.models SET max_score = 30 WHERE name = 'm';
SELECT * FROM pg_temp.agreement();
UPDATE lead_scoring.models SET max_score = NULL, min_score = 40 WHERE name = 'm';
SELECT * FROM pg_temp.agreement();
-- And back: every edit undone, the first scores again.
UPDATE lead_scoring.models SET min_score = NULL WHERE name = 'm';
UPDATE lead_scoring.point_groups SET max_points = 30 WHERE name = 'email';
UPDATE lead_scoring.point_groups SET counts_toward_total = true WHERE name = 'side';
SELECT * FROM pg_temp.agreement();
-- The next event scores under the edited definitions as before.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'visit');
SELECT * FROM pg_temp.agreement();
SELECT pg_temp.totals_stale() AS totals_stale;  -- 0: every stored total is its states added up

-- A group that has held points cannot be deleted (its ledger rows, fit and a
-- recompute's replay would point at nothing); one that never did can.
DELETE FROM lead_scoring.point_groups WHERE name = 'side';
DELETE FROM lead_scoring.point_groups WHERE name = 'email';
DELETE FROM lead_scoring.point_groups WHERE name = 'unused';
SELECT name FROM lead_scoring.point_groups ORDER BY group_id;
-- A recompute keeps the manual adjustment (its actor and reason).
SELECT lead_scoring.recompute('m');
SELECT kind, reason, delta FROM lead_scoring.ledger WHERE contact_id = 2 AND kind = 'manual';
SELECT * FROM pg_temp.agreement();
-- Deleting the model takes its groups (held points or not) and its scores with it.
DELETE FROM lead_scoring.models WHERE name = 'm';
SELECT count(*) AS groups, (SELECT count(*) FROM lead_scoring.contact_scores) AS score_rows FROM lead_scoring.point_groups;
