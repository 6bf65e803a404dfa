-- What happens after the upgrade (test/t/003_upgrade.pl runs it on the updated
-- database and on a fresh one that lived through test/upgrade/history.sql, and
-- compares every row): events for known and new contacts (with the decay due at
-- their time applied first), attribute changes, operators, rule edits and a new
-- model, maintenance, a rebuild and an erasure. Every time is explicit.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET TIME ZONE 'UTC';

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 1 + (n * 131) % 420,
       (ARRAY['page_visit', 'email_open', 'email_click', 'form_submit', 'webinar_attended', 'purchase'])[1 + n % 6],
       timestamptz '2026-07-01 08:00+00' + n * interval '37 minutes',
       CASE n % 3 WHEN 0 THEN '{"url": "/pricing"}' WHEN 1 THEN '{"form": "demo"}' ELSE '{"url": "/docs/sdk"}' END::jsonb
  FROM generate_series(1, 600) n;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
VALUES (7, 'page_visit', '2026-07-20 10:00+00', '{"url": "/pricing"}');
UPDATE lead_scoring.contacts SET attributes = attributes || '{"employees": 3000, "region": "emea"}'
 WHERE contact_id BETWEEN 20 AND 40;
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (5000, '{"employees": 100, "title": "cto"}');

SELECT lead_scoring.adjust('ops', 5000, 20, 'referral');
SELECT lead_scoring.reset('ops', 7, 'new owner', 'events');

-- Rule edits and a new model with its default group.
UPDATE lead_scoring.event_rules SET points = 6 WHERE name = 'docs';
UPDATE lead_scoring.point_groups SET max_points = 40 WHERE name = 'email';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('next', 'purchase');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 1 FROM lead_scoring.models WHERE name = 'next';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT c, 'page_visit', '2026-07-25 12:00+00' FROM generate_series(1, 50) c;

-- A combination rule (new in 0.2) on a model that recompute then rebuilds.
INSERT INTO lead_scoring.combination_rules (model_id, name)
SELECT model_id, 'engaged both ways' FROM lead_scoring.models WHERE name = 'ops';
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type)
SELECT rule_id, f.fact, f.event_type FROM lead_scoring.combination_rules,
       (VALUES ('read', 'email_open'), ('came', 'webinar_attended')) f(fact, event_type);
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points)
SELECT rule_id, '{read,came}', 15 FROM lead_scoring.combination_rules;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT c, (ARRAY['email_open', 'webinar_attended'])[1 + c % 2], '2026-07-26 12:00+00'
  FROM generate_series(1, 60) c;

-- An absence rule (new in 0.2): a form without a purchase within 10 days costs 8,
-- fired by maintenance, by later events, and replayed by recompute.
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, deadline_after, points)
SELECT model_id, 'form, no purchase', 'form_submit', 'purchase', '10 days', -8 FROM lead_scoring.models WHERE name = 'ops';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT c, (ARRAY['form_submit', 'purchase'])[1 + (c / 3) % 2], timestamptz '2026-07-27 12:00+00' + (c % 3) * interval '1 day'
  FROM generate_series(1, 30) c;

SELECT lead_scoring.run_maintenance('2026-08-15 00:00+00');
SELECT lead_scoring.recompute('ops');
SELECT * FROM lead_scoring.forget_contact(21);
SELECT lead_scoring.run_maintenance('2026-09-01 00:00+00');
