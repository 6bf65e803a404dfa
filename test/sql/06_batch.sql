-- A multi-row INSERT ... SELECT, and COPY, give exactly what the same events
-- inserted one by one in order give: scores, group scores, ledger and alerts.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, max_score) VALUES ('m', 60);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 9 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, condition, points, max_awards, cooldown)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.match::jsonb, r.cond::jsonpath, r.points, r.max_awards, r.cooldown::interval
  FROM (VALUES ('visit',     'default', 'page_visit', NULL,                NULL,               2,  NULL, NULL),
               ('pricing',   'default', 'page_visit', '{"url": "/pricing"}', NULL,             6,  2,    NULL),
               ('long read', 'default', 'page_visit', NULL,                '$.seconds > 120',  4,  NULL, '1 hour'),
               ('open',      'email',   'email_open', NULL,                NULL,               1,  NULL, NULL),
               ('click',     'email',   'email_click', NULL,               NULL,               3,  NULL, '10 minutes'),
               ('bounce',    'default', 'bounce',     NULL,                NULL,              -7,  NULL, NULL))
       AS r(name, point_group, event_type, match, cond, points, max_awards, cooldown)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 20 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type)
SELECT model_id, 'clicked while warm', 10, 'email_click' FROM lead_scoring.models;

-- 600 pseudo-random events over 25 contacts, in time order.
CREATE TEMP TABLE stream AS
SELECT i,
       (i * 7919 % 25) + 1 AS contact_id,
       (ARRAY['page_visit', 'email_open', 'email_click', 'bounce', 'page_visit'])[(i * 31 % 5) + 1] AS event_type,
       timestamptz '2026-05-01 00:00+00' + i * interval '7 minutes' AS occurred_at,
       jsonb_build_object('url', (ARRAY['/', '/pricing', '/docs'])[(i * 13 % 3) + 1], 'seconds', i * 37 % 300) AS properties
  FROM generate_series(1, 600) AS i;

-- Once in one statement...
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT contact_id, event_type, occurred_at, properties FROM stream ORDER BY i;
CREATE TEMP TABLE batch_scores AS SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores;
CREATE TEMP TABLE batch_groups AS SELECT point_group, contact_id, score FROM lead_scoring.group_scores;
CREATE TEMP TABLE batch_ledger AS
  SELECT l.contact_id, l.rule_id, l.delta, e.occurred_at FROM lead_scoring.ledger l JOIN lead_scoring.events e USING (contact_id, event_id);
CREATE TEMP TABLE batch_alerts AS
  SELECT a.threshold_id, a.contact_id, a.score, e.occurred_at FROM lead_scoring.alerts a LEFT JOIN lead_scoring.events e USING (contact_id, event_id);
SELECT count(*) AS awards, sum(delta) AS points FROM batch_ledger;
SELECT count(*) AS alerts FROM batch_alerts;

-- ...then again one statement per event, from a clean slate.
SET session_replication_role = replica;  -- a superuser's way past the ledger's append-only guard
TRUNCATE lead_scoring.events, lead_scoring.contacts, lead_scoring.contact_scores, lead_scoring.ledger, lead_scoring.alerts;
RESET session_replication_role;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM stream ORDER BY i LOOP
    INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
    VALUES (r.contact_id, r.event_type, r.occurred_at, r.properties);
  END LOOP;
END $$;

SELECT (SELECT count(*) FROM (TABLE batch_scores EXCEPT ALL SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores) d)
     + (SELECT count(*) FROM (SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores EXCEPT ALL TABLE batch_scores) d)
       AS score_differences;
SELECT (SELECT count(*) FROM (TABLE batch_groups EXCEPT ALL SELECT point_group, contact_id, score FROM lead_scoring.group_scores) d)
       AS group_differences;
SELECT (SELECT count(*) FROM (TABLE batch_ledger EXCEPT ALL
          SELECT l.contact_id, l.rule_id, l.delta, e.occurred_at FROM lead_scoring.ledger l JOIN lead_scoring.events e USING (contact_id, event_id)) d)
     + (SELECT count(*) FROM (SELECT l.contact_id, l.rule_id, l.delta, e.occurred_at FROM lead_scoring.ledger l JOIN lead_scoring.events e USING (contact_id, event_id)
          EXCEPT ALL TABLE batch_ledger) d)
       AS ledger_differences;
SELECT (SELECT count(*) FROM (TABLE batch_alerts EXCEPT ALL
          SELECT a.threshold_id, a.contact_id, a.score, e.occurred_at FROM lead_scoring.alerts a LEFT JOIN lead_scoring.events e USING (contact_id, event_id)) d)
     + (SELECT count(*) FROM (SELECT a.threshold_id, a.contact_id, a.score, e.occurred_at FROM lead_scoring.alerts a LEFT JOIN lead_scoring.events e USING (contact_id, event_id)
          EXCEPT ALL TABLE batch_alerts) d)
       AS alert_differences;

-- COPY scores like INSERT.
SET session_replication_role = replica;  -- a superuser's way past the ledger's append-only guard
TRUNCATE lead_scoring.events, lead_scoring.contacts, lead_scoring.contact_scores, lead_scoring.ledger, lead_scoring.alerts;
RESET session_replication_role;
COPY lead_scoring.events (contact_id, event_type, occurred_at, properties) FROM stdin;
101	page_visit	2026-05-01 10:00:00+00	{"url": "/pricing"}
101	page_visit	2026-05-01 10:01:00+00	{"url": "/pricing", "seconds": 200}
102	email_click	2026-05-01 10:02:00+00	{}
101	bounce	2026-05-01 10:03:00+00	{}
\.
SELECT contact_id, score FROM lead_scoring.scores ORDER BY contact_id;
SELECT l.contact_id, r.name, l.delta FROM lead_scoring.ledger l JOIN lead_scoring.event_rules r USING (rule_id)
 ORDER BY l.contact_id, l.occurred_at, r.name;
