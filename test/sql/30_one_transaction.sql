-- Many statements in one transaction (issue 13, class 8). Scoring finds a score row
-- it already locked or wrote in the transaction by its tid (src/pg/score_row_tids.hpp);
-- these cases check that what it finds is always the row's current version: after a
-- rollback to a savepoint, a PL/pgSQL exception block, other writers of the same row
-- (adjust, maintenance, recompute, forget_contact, a superuser's delete) and many
-- statements. contact_scores has no unique index: contact_score_keys keeps its key
-- unique.
\i test/fresh.sql
-- Two models with the same rules: 'd' decays (maintenance writes its rows), 'm' does not.
INSERT INTO lead_scoring.models (name) VALUES ('m'), ('d');
UPDATE lead_scoring.point_groups SET decay_after = '30 days', decay_points = 1
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'd');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 5 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points) SELECT model_id, 'visit', 'visit', 2 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT model_id, group_id, 'open', 'open', 1 FROM lead_scoring.point_groups WHERE name = 'email';

CREATE FUNCTION ev(c bigint, t text, at text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (c, t, at::timestamptz) $$;
-- Every invariant, for every contact: score = sum(explain), each group's balance is
-- the sum of its ledger rows, one score row and one key per contact and model.
CREATE VIEW broken AS
SELECT 'explain' AS what, s.contact_id FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s
 WHERE s.score <> (SELECT coalesce(sum(points), 0) FROM lead_scoring.explain(s.model, s.contact_id))
UNION ALL
SELECT 'balance', s.contact_id FROM lead_scoring.contact_scores s, lead_scoring.state_groups(s.state) g
 WHERE g.behavior_score <> coalesce((SELECT sum(delta) FROM lead_scoring.ledger l
                                     WHERE l.contact_id = s.contact_id AND l.group_id = g.group_id), 0)
UNION ALL
SELECT 'duplicate row', contact_id FROM lead_scoring.contact_scores GROUP BY contact_id, model_id HAVING count(*) > 1
UNION ALL
SELECT 'row without key', s.contact_id FROM lead_scoring.contact_scores s
 WHERE NOT EXISTS (SELECT 1 FROM lead_scoring.contact_score_keys k WHERE (k.contact_id, k.model_id) = (s.contact_id, s.model_id));

-- A rollback to a savepoint takes back the rows written after it; scoring goes on
-- from the row as it was at the savepoint.
BEGIN;
SELECT ev(1, 'visit', '2026-01-01 10:00'), ev(1, 'visit', '2026-01-01 10:01'), ev(1, 'visit', '2026-01-01 10:02');
SAVEPOINT a;
SELECT ev(1, 'visit', '2026-01-01 10:03'), ev(1, 'open', '2026-01-01 10:04');
SELECT score FROM lead_scoring.scores WHERE contact_id = 1 AND model = 'm';  -- 9
ROLLBACK TO a;
SELECT score FROM lead_scoring.scores WHERE contact_id = 1 AND model = 'm';  -- 6
SELECT ev(1, 'open', '2026-01-01 10:05');
COMMIT;
SELECT s.model, s.score, (SELECT count(*) FROM lead_scoring.ledger l WHERE l.contact_id = 1 AND l.model_id = s.model_id) AS ledger_rows
  FROM lead_scoring.contact_scores s WHERE s.contact_id = 1 ORDER BY s.model;  -- 7 and 4 rows in each

-- An exception caught in PL/pgSQL rolls back its block's writes, and the
-- transaction goes on scoring the same contact.
BEGIN;
SELECT ev(2, 'visit', '2026-01-01 10:00');
DO $$ BEGIN
    PERFORM ev(2, 'visit', '2026-01-01 10:01');
    PERFORM ev(2, 'visit', '2026-01-01 10:02');
    RAISE EXCEPTION 'undo';
EXCEPTION WHEN raise_exception THEN NULL;
END $$;
SELECT ev(2, 'visit', '2026-01-01 10:03');
COMMIT;
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 2 ORDER BY model;  -- 4, 4

-- Other writers of the same rows inside the transaction: each event after them
-- scores on from what they wrote.
BEGIN;
SELECT ev(3, 'visit', '2026-01-01 10:00');
SELECT lead_scoring.adjust('m', 3, 10, 'called back');
SELECT ev(3, 'visit', '2026-01-01 11:00');
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;  -- d 4, m 14
-- One decay step for d (due at 2026-01-31 11:00), written by maintenance.
SELECT lead_scoring.run_maintenance('2026-03-01');
SELECT ev(3, 'visit', '2026-03-01 12:00');
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;  -- d 5, m 16
-- A model renamed and back: SQL rewrites the model's rows.
UPDATE lead_scoring.models SET name = 'mm' WHERE name = 'm';
UPDATE lead_scoring.models SET name = 'm' WHERE name = 'mm';
SELECT ev(3, 'open', '2026-03-01 13:00');
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;  -- d 6, m 17
SELECT lead_scoring.recompute('m', 3);
SELECT ev(3, 'open', '2026-03-01 13:30');
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;  -- d 7, m 18
SET LOCAL session_replication_role = replica;  -- a superuser deletes a row behind the triggers' back
DELETE FROM lead_scoring.contact_scores WHERE contact_id = 3 AND model = 'm';
RESET session_replication_role;
SELECT ev(3, 'visit', '2026-03-01 14:00');  -- m gets a row again, from nothing but this event
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;  -- d 9, m 2
SELECT count(*) FROM lead_scoring.forget_contact(3) WHERE relation = 'contact_scores' AND rows = 2;
SELECT ev(3, 'open', '2026-03-02 10:00');  -- a new contact
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;  -- d 1, m 1
COMMIT;
SELECT * FROM broken;

-- 3,000 one-row statements in one transaction, one contact taking most of them:
-- the same scores as recompute rebuilds from the events.
BEGIN;
SELECT count(*) AS statements FROM (SELECT ev(CASE WHEN i % 10 = 0 THEN 10 + i % 7 ELSE 4 END, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'visit' END,
                (timestamptz '2026-04-01 00:00+00' + i * interval '1 minute')::text)
  FROM generate_series(1, 3000) i) statements;
COMMIT;
CREATE TEMP TABLE live AS SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores WHERE model = 'm';
SELECT count(*) AS contacts, sum(score) AS points FROM live WHERE contact_id >= 4;
SELECT lead_scoring.recompute('m');
SELECT count(*) AS differences FROM (
    (TABLE live EXCEPT ALL SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores WHERE model = 'm')
    UNION ALL
    (SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores WHERE model = 'm' EXCEPT ALL TABLE live)) d;
SELECT * FROM broken;
SELECT (SELECT count(*) FROM lead_scoring.contact_scores) AS score_rows,
       (SELECT count(*) FROM lead_scoring.contact_score_keys) AS keys;
