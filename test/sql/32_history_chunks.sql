-- Passes over stored history (judged_scores, so evaluate and band_report; train;
-- recompute) read contacts a chunk at a time, each chunk sized for about
-- lead_scoring.history_chunk_events events (a hidden setting; src/core/chunk_sizer.hpp).
-- With 7 events per chunk, chunks of one contact or a few (each growing at most
-- twofold after contacts without events) give the results of the default chunks:
-- every contact once, none lost at a boundary. Contacts 1-300: 0 to 24 events
-- each (a tenth have none), attributes changed mid-history, purchases.
\i test/fresh.sql
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('h', 'purchase');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'web', 30 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT m.model_id, g.group_id, r.name, r.event_type, r.points
  FROM lead_scoring.models m JOIN lead_scoring.point_groups g USING (model_id),
       (VALUES ('visit', 'visit', 2), ('demo', 'demo', 9)) r(name, event_type, points);
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'big', '$.employees >= 100', 5 FROM lead_scoring.models;
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.n, b.s FROM lead_scoring.models, (VALUES ('cold', 0), ('warm', 10), ('hot', 25)) b(n, s);
SELECT setseed(0.32);
CREATE TEMP TABLE c AS
SELECT i AS contact_id, CASE WHEN i % 10 = 0 THEN 0 ELSE floor(random() * 25)::int END AS n, random() < 0.4 AS big
  FROM generate_series(1, 300) i;
INSERT INTO lead_scoring.contacts (contact_id, attributes, created_at, updated_at)
SELECT contact_id, jsonb_build_object('employees', 20), '2026-01-01', '2026-01-01' FROM c;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id, CASE WHEN (contact_id + k) % 4 = 0 THEN 'demo' ELSE 'visit' END,
       '2026-02-01'::timestamptz + (k * 7 + contact_id % 5) * interval '1 hour'
  FROM c, generate_series(1, 24) k WHERE k <= n ORDER BY 3;
UPDATE lead_scoring.contacts SET attributes = '{"employees": 500}', updated_at = '2026-02-03' FROM c
 WHERE c.contact_id = contacts.contact_id AND c.big;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id, 'purchase', '2026-02-10'::timestamptz + (contact_id % 20) * interval '1 day'
  FROM c WHERE n > 12 OR (big AND n > 6) ORDER BY 3;

-- judged_scores, evaluate and band_report, in default chunks and in small ones.
CREATE TEMP TABLE judged AS SELECT * FROM lead_scoring.judged_scores('h', '2026-03-15');
CREATE TEMP TABLE evaluated AS SELECT * FROM lead_scoring.evaluate('h', '2026-03-15');
CREATE TEMP TABLE banded AS SELECT * FROM lead_scoring.band_report('h', '2026-03-15');
SELECT count(*) AS judged, count(converted_at) AS converted FROM judged;
SET lead_scoring.history_chunk_events = 7;
SELECT (SELECT count(*) FROM (SELECT * FROM judged EXCEPT ALL SELECT * FROM lead_scoring.judged_scores('h', '2026-03-15')) x)
     + (SELECT count(*) FROM (SELECT * FROM lead_scoring.judged_scores('h', '2026-03-15') EXCEPT ALL SELECT * FROM judged) x)
       AS judged_differ,
       (SELECT count(*) FROM (SELECT * FROM evaluated EXCEPT ALL SELECT * FROM lead_scoring.evaluate('h', '2026-03-15')) x)
       AS evaluate_differs,
       (SELECT count(*) FROM (SELECT * FROM banded EXCEPT ALL SELECT * FROM lead_scoring.band_report('h', '2026-03-15')) x)
       AS band_report_differs;
RESET lead_scoring.history_chunk_events;

-- train: the same rows in the same order, so the same fit to the last digit, and
-- every contact's probability refreshed.
SELECT count(*) AS terms FROM lead_scoring.train('h', '2026-03-15');
CREATE TEMP TABLE terms AS SELECT term, coefficient, std_error FROM lead_scoring.predictive_terms;
CREATE TEMP TABLE probabilities AS SELECT contact_id, conversion_probability FROM lead_scoring.scores;
-- (a fit at another time first, so that a contact the next train missed would keep
-- another probability)
SELECT count(*) AS terms FROM lead_scoring.train('h', '2026-02-25');
SELECT count(*) AS probabilities_changed FROM probabilities p JOIN lead_scoring.scores s USING (contact_id)
 WHERE s.conversion_probability IS DISTINCT FROM p.conversion_probability;
SET lead_scoring.history_chunk_events = 7;
SELECT count(*) AS terms FROM lead_scoring.train('h', '2026-03-15');
RESET lead_scoring.history_chunk_events;
SELECT (SELECT count(*) FROM (SELECT * FROM terms EXCEPT ALL SELECT term, coefficient, std_error FROM lead_scoring.predictive_terms) x)
       AS terms_differ,
       (SELECT count(*) FROM probabilities p JOIN lead_scoring.scores s USING (contact_id)
         WHERE s.conversion_probability IS DISTINCT FROM p.conversion_probability) AS probabilities_differ,
       (SELECT count(*) FROM lead_scoring.scores WHERE conversion_probability IS NULL) AS without_probability;

-- recompute in small chunks rebuilds what live scoring wrote (the data arrived in
-- time order): the same scores, ledger and explanations; score = sum(explain).
CREATE TEMP TABLE live AS SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores;
CREATE TEMP TABLE live_ledger AS SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger;
SET lead_scoring.history_chunk_events = 7;
SELECT lead_scoring.recompute('h') AS recomputed;
SELECT lead_scoring.recompute('h', 40, 230) AS recomputed_range;
RESET lead_scoring.history_chunk_events;
SELECT (SELECT count(*) FROM live l JOIN lead_scoring.scores s USING (contact_id)
         WHERE (s.score, s.fit_score, s.behavior_score) IS DISTINCT FROM (l.score, l.fit_score, l.behavior_score))
       AS scores_differ,
       (SELECT count(*) FROM (SELECT * FROM live_ledger
                              EXCEPT ALL SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger) x)
       AS ledger_rows_lost,
       (SELECT count(*) FROM (SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger
                              EXCEPT ALL SELECT * FROM live_ledger) x) AS ledger_rows_added,
       (SELECT count(*) FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s
         WHERE s.score IS DISTINCT FROM (SELECT coalesce(sum(points), 0) FROM lead_scoring.explain('h', s.contact_id)))
       AS explain_differs;

-- After a rule change every contact with a visit is rebuilt: recompute in small
-- chunks, then in default ones, which finds nothing left to change.
UPDATE lead_scoring.event_rules SET points = 3 WHERE name = 'visit';
SET lead_scoring.history_chunk_events = 7;
SELECT lead_scoring.recompute('h') AS recomputed;
RESET lead_scoring.history_chunk_events;
CREATE TEMP TABLE small_chunks AS SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores;
CREATE TEMP TABLE small_chunks_ledger AS SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger;
SELECT count(*) AS scores_changed_by_the_rule FROM small_chunks s JOIN live l USING (contact_id) WHERE s.score <> l.score;
SELECT lead_scoring.recompute('h') AS recomputed;
SELECT (SELECT count(*) FROM small_chunks c JOIN lead_scoring.scores s USING (contact_id)
         WHERE (s.score, s.fit_score, s.behavior_score) IS DISTINCT FROM (c.score, c.fit_score, c.behavior_score))
       AS scores_differ,
       (SELECT count(*) FROM (SELECT * FROM small_chunks_ledger
                              EXCEPT ALL SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger) x)
       + (SELECT count(*) FROM (SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger
                                EXCEPT ALL SELECT * FROM small_chunks_ledger) x) AS ledger_rows_differ;
