-- Events of one statement are scored in chunks (lead_scoring.event_chunk_size, a
-- hidden setting: memory is that of one chunk). A contact whose events fall in
-- several chunks is scored as if they were in one: contacts 1-5 get a stream of
-- events in chunks of 3, contacts 101-105 the same stream in one chunk.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, max_score) VALUES ('m', 40);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points, window_size)
SELECT model_id, 'email', 12, '30 hours' FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points, max_awards, cooldown)
SELECT m.model_id, g.group_id, r.name, r.event_type, r.points, r.max_awards, r.cooldown::interval
  FROM lead_scoring.models m
  JOIN (VALUES ('visit', 'default', 'visit', 2, NULL, NULL), ('open', 'email', 'open', 3, NULL, NULL),
               ('demo', 'default', 'demo', 10, 2, '5 hours')) AS r(name, point_group, event_type, points, max_awards, cooldown)
       ON true
  JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = r.point_group;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'hot', 25 FROM lead_scoring.models;

CREATE TEMP TABLE stream AS
SELECT (i % 5) + 1 AS contact_id, (ARRAY['visit', 'open', 'demo'])[1 + i % 3] AS event_type,
       timestamptz '2026-01-01 00:00+00' + i * interval '1 hour' AS occurred_at
  FROM generate_series(1, 90) i;
SET lead_scoring.event_chunk_size = 3;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id, event_type, occurred_at FROM stream ORDER BY occurred_at;
RESET lead_scoring.event_chunk_size;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id + 100, event_type, occurred_at FROM stream ORDER BY occurred_at;

SELECT contact_id, score FROM lead_scoring.scores WHERE contact_id < 100 ORDER BY contact_id;
SELECT count(*) AS scores_differ
  FROM lead_scoring.scores a JOIN lead_scoring.scores b ON b.contact_id = a.contact_id + 100
 WHERE a.contact_id < 100 AND (a.score, a.fit_score, a.behavior_score) IS DISTINCT FROM (b.score, b.fit_score, b.behavior_score);
SELECT (SELECT count(*) FROM lead_scoring.ledger WHERE contact_id < 100) AS ledger_rows,
       (SELECT count(*) FROM (SELECT contact_id, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger WHERE contact_id < 100
                              EXCEPT ALL
                              SELECT contact_id - 100, kind, delta, rule_id, occurred_at FROM lead_scoring.ledger WHERE contact_id > 100) x)
       AS ledger_rows_differ;
SELECT (SELECT count(*) FROM lead_scoring.alerts WHERE contact_id < 100) AS alerts,
       (SELECT count(*) FROM lead_scoring.alerts WHERE contact_id > 100) AS alerts_in_one_chunk;
SELECT count(*) AS window_awards_differ
  FROM (SELECT contact_id, group_id, occurred_at, points FROM lead_scoring.window_awards WHERE contact_id < 100
        EXCEPT ALL
        SELECT contact_id - 100, group_id, occurred_at, points FROM lead_scoring.window_awards WHERE contact_id > 100) x;
