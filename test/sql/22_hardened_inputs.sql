-- Definitions that would make later events fail are refused when written, naming
-- the rule and the problem; times scoring cannot compute with are refused; a
-- condition that cannot be evaluated on one event's properties just does not
-- match that event. (Issue 13, classes 2 and 3.)
\i test/fresh.sql
SET TIME ZONE 'UTC';
\set SHOW_CONTEXT never
INSERT INTO lead_scoring.models (name) VALUES ('m');

-- Intervals are judged as scoring counts them (EXTRACT(epoch ...): a month is 30
-- days, a year 365.25): '-1 year 361 days' is -4.25 days, although interval
-- comparison calls it positive.
SELECT interval '-1 year 361 days' > interval '0' AS compares_positive,
       EXTRACT(epoch FROM interval '-1 year 361 days') / 86400 AS scoring_days;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, cooldown)
SELECT model_id, 'odd cooldown', 'visit', 1, '-1 year 361 days' FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, window_size)
SELECT model_id, 'odd window', '-1 year 361 days' FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, decay_after, decay_points)
SELECT model_id, 'odd decay', '-1 year 361 days', 1 FROM lead_scoring.models;
-- Too long to compute with (the rule cache would overflow on every event).
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, cooldown)
SELECT model_id, 'eternal cooldown', 'visit', 1, '300000 years' FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, decay_after, decay_every, decay_points)
SELECT model_id, 'slow decay', '1 day', '1001 years', 1 FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, window_size)
SELECT model_id, 'long window', '999 years' FROM lead_scoring.models;  -- fine

-- A condition naming a $variable (nothing supplies one: it would fail every event).
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, condition)
SELECT model_id, 'with variable', 'visit', 1, '$.plan == $plan' FROM lead_scoring.models;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'hidden variable', 'exists($.tags[*] ? (@ == $tag))', 1 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, condition)
SELECT model_id, 'variable in a subscript', 'visit', 1, '$.a[$i] == 1' FROM lead_scoring.models;

-- A datetime template PostgreSQL rejects (it would fail every event that reaches it,
-- even in silent mode); a valid one is fine.
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, condition)
SELECT model_id, 'bad template', 'visit', 1, '$.d.datetime("YYYY FF7") == "2020".datetime("YYYY")' FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, condition)
SELECT model_id, 'good template', 'visit', 1, '$.d.datetime("DD.MM.YYYY") < "2020-01-01".datetime()' FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (9, 'visit', '{"d": "31.12.2019"}'), (9, 'visit', '{"d": "2019"}');
SELECT count(*) AS awards FROM lead_scoring.ledger WHERE contact_id = 9;
DELETE FROM lead_scoring.event_rules WHERE name = 'good template';

-- NOTIFY channels must be 1 to 63 bytes; names and event types are bounded.
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, notify_channel)
SELECT model_id, 'empty channel', 10, '' FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, notify_channel)
SELECT model_id, 'long channel', 10, repeat('c', 64) FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, notify_channel)
SELECT model_id, 'longest channel', 10, repeat('c', 63) FROM lead_scoring.models;  -- fine
INSERT INTO lead_scoring.models (name) VALUES (repeat('m', 201));
INSERT INTO lead_scoring.point_groups (model_id, name) SELECT model_id, repeat('g', 201) FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, repeat('t', 201), 1 FROM lead_scoring.models;
INSERT INTO lead_scoring.bands (model_id, name, min_score) SELECT model_id, repeat('b', 201), 1 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, event_type, points) SELECT model_id, repeat('e', 1001), 1 FROM lead_scoring.models;
INSERT INTO lead_scoring.models (name) VALUES (repeat('é', 100));  -- 200 bytes: fine
SELECT count(*) AS models, count(*) FILTER (WHERE octet_length(name) = 200) AS at_the_limit FROM lead_scoring.models;

-- A condition that cannot be evaluated on one event's properties does not match
-- that event; the event is stored and scored by the other rules. A date compared
-- with a time with a time zone uses the session's TimeZone (here UTC).
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, condition)
SELECT model_id, 'early trial', 'trial', 10, '$.started.datetime() < "2026-01-01 12:00:00+00".datetime()'
  FROM lead_scoring.models WHERE name = 'm';
-- (in another group, where the more specific 'per seat' falls back to 'any trial'
-- when it does not match)
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points, condition)
SELECT m.model_id, g.group_id, r.name, 'trial', r.points, r.cond::jsonpath
  FROM lead_scoring.models m JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = 'long window',
       (VALUES ('per seat', 5, '100 / $.seats > 10'), ('any trial', 1, NULL)) AS r(name, points, cond)
 WHERE m.name = 'm';
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES
    (1, 'trial', '{"started": "2026-01-01", "seats": 5}'),   -- a date before the time: 10; 100/5 = 20 > 10: 5
    (2, 'trial', '{"started": "not a date", "seats": 0}'),   -- unparsable, division by zero: any trial
    (3, 'trial', '{"started": 20260101, "seats": "many"}');  -- wrong types: any trial
SELECT e.contact_id, r.name, l.delta
  FROM lead_scoring.ledger l JOIN lead_scoring.events e USING (contact_id, event_id) JOIN lead_scoring.event_rules r USING (rule_id)
 ORDER BY e.contact_id, r.name;

-- Times: an event must happen in the years 1 to 9999 (scoring adds up to 1000
-- years to it). 'infinity' made the ledger unreadable and pg_dump fail in 0.1.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'trial', 'infinity');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'trial', '-infinity');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'trial', '10000-01-01 00:00+00');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'trial', '9999-12-31 23:59+00');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'trial', '0001-01-01 00:00+00');
SELECT contact_id, occurred_at FROM lead_scoring.events WHERE contact_id = 4 ORDER BY event_id;
SELECT count(*) AS ledger_rows, max(occurred_at)::text AS latest FROM lead_scoring.ledger;
SELECT lead_scoring.run_maintenance('infinity');
SELECT lead_scoring.run_maintenance('20000-01-01');
SELECT * FROM lead_scoring.evaluate('m', '-infinity');
