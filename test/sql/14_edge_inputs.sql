-- Bad input at the edges: huge properties score normally (each event's detoasted
-- properties live in a per-event memory context), sums that overflow give SQLSTATE
-- 22003 and store nothing, a pathological regex in a condition is cancelled by
-- statement_timeout cleanly, NULLs are refused with named errors.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, properties_match, condition, points)
SELECT model_id, r.name, r.event_type, r.match::jsonb, r.condition::jsonpath, r.points
  FROM lead_scoring.models,
       (VALUES ('pricing', 'page_visit', '{"url": "/pricing"}', NULL, 5),
               ('docs', 'page_visit', NULL, '$.url starts with "/docs"', 3),
               ('nested', 'form_submit', NULL, '$.form.fields.size() > 2', 7),
               ('whale', 'purchase', NULL, NULL, 9999999999999),
               ('slow', 'search', NULL, '$.q like_regex "^(a{1,100}){1,100}$"', 1))
       AS r(name, event_type, match, condition, points);

-- Three 10 MB events in one statement, a nested one, and a deep one.
INSERT INTO lead_scoring.events (contact_id, event_type, properties)
SELECT 1, 'page_visit', jsonb_build_object('url', u, 'blob', repeat('x', 10 * 1024 * 1024))
  FROM unnest(ARRAY['/pricing', '/docs/a', '/blog']) u;
INSERT INTO lead_scoring.events (contact_id, event_type, properties)
VALUES (1, 'form_submit', '{"form": {"fields": [1, 2, 3]}}'),
       (1, 'form_submit', (SELECT jsonb_build_object('form', jsonb_build_object('fields', jsonb_agg(i)))
                             FROM generate_series(1, 100000) i));
SELECT score FROM lead_scoring.scores WHERE contact_id = 1;
SELECT rule, points FROM lead_scoring.explain('m', 1);
SELECT count(*) AS large_events, min(pg_column_size(properties)) > 0 AS stored FROM lead_scoring.events
 WHERE event_type = 'page_visit';

-- Overflow: a sum beyond the exact range is SQLSTATE 22003, and the whole statement
-- (its events, scores, ledger) is gone.
\set VERBOSITY sqlstate
INSERT INTO lead_scoring.events (contact_id, event_type) SELECT 2, 'purchase' FROM generate_series(1, 1000);
\set VERBOSITY default
INSERT INTO lead_scoring.events (contact_id, event_type) SELECT 2, 'purchase' FROM generate_series(1, 1000);
SELECT (SELECT count(*) FROM lead_scoring.events WHERE contact_id = 2) AS events,
       (SELECT count(*) FROM lead_scoring.scores WHERE contact_id = 2) AS scores,
       (SELECT count(*) FROM lead_scoring.ledger WHERE contact_id = 2) AS ledger;
-- Points beyond the range are refused when the rule is written.
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'too big', 'purchase', 1e13 FROM lead_scoring.models;

-- A condition whose regex takes exponential time: statement_timeout cancels the
-- scoring cleanly (SQLSTATE 57014), nothing is stored, and the session goes on.
SET statement_timeout = '300ms';
\set VERBOSITY sqlstate
INSERT INTO lead_scoring.events (contact_id, event_type, properties)
VALUES (3, 'search', jsonb_build_object('q', repeat('a', 100000)));
\set VERBOSITY default
RESET statement_timeout;
SELECT (SELECT count(*) FROM lead_scoring.events WHERE contact_id = 3) AS events,
       (SELECT count(*) FROM lead_scoring.contacts WHERE contact_id = 3) AS contacts;
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (3, 'search', '{"q": "aaa"}');
SELECT score FROM lead_scoring.scores WHERE contact_id = 3;

-- NULLs are refused with the column or argument named.
\set VERBOSITY terse
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (NULL, 'page_visit');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (4, NULL);
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES (4, 'page_visit', NULL);
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (4, NULL);
SELECT lead_scoring.reset(NULL, 1, 'x');
SELECT lead_scoring.explain(NULL, 1);
\set VERBOSITY default
