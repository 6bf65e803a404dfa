-- The spec's worked example: the numbers must come out exactly.
\i test/fresh.sql
\i examples/sauna_model.sql
\i examples/sauna_story.sql

-- One alert, for the pricing page visit, with score 82 (the NOTIFY is in test/specs).
SELECT t.name AS threshold, a.contact_id, a.score, e.event_type, e.properties->>'url' AS url
  FROM lead_scoring.alerts a
  JOIN lead_scoring.thresholds t USING (threshold_id)
  JOIN lead_scoring.events e USING (contact_id, event_id);

-- explain lists exactly the contributions, and they add up to the score.
SELECT point_group, source, rule, event_id, points FROM lead_scoring.explain('sauna', 1);
SELECT sum(points) AS explained FROM lead_scoring.explain('sauna', 1) \gset
SELECT :explained AS explained, score FROM lead_scoring.scores WHERE model = 'sauna' AND contact_id = 1;

SELECT model, contact_id, score, fit_score, behavior_score, band, qualified, rank
  FROM lead_scoring.leaderboard WHERE model = 'sauna';

-- The ledger holds one row per award, each with its rule and event.
SELECT count(*) AS awards, sum(delta) AS points, count(DISTINCT event_id) AS events
  FROM lead_scoring.ledger WHERE kind = 'rule';
