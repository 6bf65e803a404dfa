-- A year of a CRM's life under lead_scoring, used by the upgrade test
-- (test/t/003_upgrade.pl). Run under release 0.1, its data-only dump is
-- test/upgrade/0.1_data.sql; run live under the current version, it must give the
-- same rows (but for times set by now()), so that an updated database and a fresh
-- one go on scoring identically.
--
-- Deterministic: every time is explicit (no scoring depends on now(): adjust and
-- reset, which catch up at now(), only touch the model without decay), and the
-- "random" choices are arithmetic on the contact and event numbers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET TIME ZONE 'UTC';

-- Model "main": decay, a capped group, a window, limits, cooldowns, conditions,
-- required fit, clamp, total and group thresholds (one with NOTIFY), bands.
INSERT INTO lead_scoring.models (name, description, min_score, max_score, conversion_event_type)
VALUES ('main', 'behaviour and fit, decaying', -20, 150, 'purchase');
UPDATE lead_scoring.point_groups SET decay_after = '30 days', decay_every = '7 days', decay_points = 5
 WHERE name = 'default' AND model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'main');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points, decay_after, decay_percent)
SELECT model_id, 'email', 25, '14 days', 50 FROM lead_scoring.models WHERE name = 'main';
INSERT INTO lead_scoring.point_groups (model_id, name, window_size)
SELECT model_id, 'recent', '60 days' FROM lead_scoring.models WHERE name = 'main';
INSERT INTO lead_scoring.point_groups (model_id, name, counts_toward_total)
SELECT model_id, 'support', false FROM lead_scoring.models WHERE name = 'main';

INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, condition,
                                      points, max_awards, cooldown)
SELECT m.model_id, g.group_id, r.name, r.event_type, r.match::jsonb, r.cond::jsonpath, r.points, r.max_awards,
       r.cooldown::interval
  FROM lead_scoring.models m
  JOIN (VALUES ('default', 'visit',        'page_visit',   NULL,                        NULL,                       3,     NULL, NULL),
               ('default', 'pricing',      'page_visit',   '{"url": "/pricing"}',       NULL,                       10,    NULL, '1 day'),
               ('default', 'docs',         'page_visit',   NULL,                        '$.url starts with "/docs"', 4,    5,    NULL),
               ('default', 'demo request', 'form_submit',  '{"form": "demo"}',          NULL,                       25,    1,    NULL),
               ('default', 'unsubscribe',  'unsubscribe',  NULL,                        NULL,                       -15,   NULL, NULL),
               ('email',   'open',         'email_open',   NULL,                        NULL,                       1.5,   NULL, '1 hour'),
               ('email',   'click',        'email_click',  NULL,                        NULL,                       4,     NULL, NULL),
               ('recent',  'webinar',      'webinar_attended', NULL,                    NULL,                       12.25, NULL, NULL),
               ('recent',  'visit (recent)','page_visit',  NULL,                        NULL,                       1,     NULL, NULL),
               ('support', 'ticket',       'support_ticket', NULL,                      NULL,                       2,     NULL, NULL),
               ('default', 'purchase',     'purchase',     NULL,                        NULL,                       40,    NULL, NULL))
       AS r(grp, name, event_type, match, cond, points, max_awards, cooldown) ON true
  JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = r.grp
 WHERE m.name = 'main';

INSERT INTO lead_scoring.attribute_rules (model_id, group_id, name, condition, points, required)
SELECT m.model_id, g.group_id, a.name, a.cond::jsonpath, a.points, a.required
  FROM lead_scoring.models m
  JOIN (VALUES ('default', 'mid-size', '$.employees >= 50 && $.employees < 1000', 15, false),
               ('default', 'enterprise', '$.employees >= 1000', 25, false),
               ('default', 'not a student', '!($.title == "student")', 0, true),
               ('email',   'emea', '$.region == "emea"', 5, false))
       AS a(grp, name, cond, points, required) ON true
  JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = a.grp
 WHERE m.name = 'main';

INSERT INTO lead_scoring.thresholds (model_id, group_id, name, min_score, event_type, properties_match, notify_channel)
SELECT m.model_id, g.group_id, t.name, t.min_score, t.event_type, t.match::jsonb, t.channel
  FROM lead_scoring.models m
  LEFT JOIN (VALUES ('MQL', NULL, 50, NULL, NULL, 'mql'),
                    ('SQL', NULL, 90, NULL, NULL, NULL),
                    ('email fan', 'email', 20, NULL, NULL, NULL),
                    ('hot pricing', NULL, 40, 'page_visit', '{"url": "/pricing"}', 'sales'))
       AS t(name, grp, min_score, event_type, match, channel) ON true
  LEFT JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = t.grp
 WHERE m.name = 'main';

INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT m.model_id, b.name, b.min_score FROM lead_scoring.models m,
       (VALUES ('cold', 0), ('warm', 30), ('hot', 60), ('on fire', 100)) AS b(name, min_score)
 WHERE m.name = 'main';

-- Model "ops": no decay; where operators adjust and reset.
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('ops', 'purchase');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points)
SELECT model_id, 'events', 60 FROM lead_scoring.models WHERE name = 'ops';
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT m.model_id, g.group_id, 'any visit', 'page_visit', 2
  FROM lead_scoring.models m JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = 'events'
 WHERE m.name = 'ops';
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'webinar', 'webinar_attended', 8 FROM lead_scoring.models WHERE name = 'ops';
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'busy', 30 FROM lead_scoring.models WHERE name = 'ops';

-- An inactive model keeps its rules and scores nothing.
INSERT INTO lead_scoring.models (name, active) VALUES ('retired', false);

-- 400 contacts: 300 created with attributes, 100 only by their events.
INSERT INTO lead_scoring.contacts (contact_id, attributes)
SELECT c, jsonb_build_object('employees', (c * 37) % 2500,
                             'region', (ARRAY['emea', 'amer', 'apac'])[1 + c % 3],
                             'title', CASE WHEN c % 11 = 0 THEN 'student' ELSE 'manager' END)
  FROM generate_series(1, 300) c;

-- Events from January to June 2026 in time order, in weekly batches (an
-- INSERT ... SELECT each), then some single rows.
CREATE TEMP TABLE plan AS
SELECT 1 + (n * 7919) % 400 AS contact_id,
       (ARRAY['page_visit', 'page_visit', 'page_visit', 'email_open', 'email_open', 'email_click', 'form_submit',
              'webinar_attended', 'support_ticket', 'unsubscribe', 'purchase'])[1 + (n * 31) % 11] AS event_type,
       timestamptz '2026-01-05 09:00+00' + n * interval '53 minutes' AS occurred_at,
       CASE (n * 13) % 5 WHEN 0 THEN '{"url": "/pricing"}' WHEN 1 THEN '{"url": "/docs/api"}'
                         WHEN 2 THEN '{"form": "demo"}' WHEN 3 THEN '{"url": "/blog", "campaign": "spring"}'
                         ELSE '{}' END::jsonb AS properties
  FROM generate_series(1, 4000) n;
-- Purchases are rarer: only every third one stays a purchase.
UPDATE plan SET event_type = 'page_visit' WHERE event_type = 'purchase' AND contact_id % 3 <> 0;

DO $$
DECLARE
    week timestamptz := '2026-01-05 00:00+00';
BEGIN
    WHILE week < '2026-06-01' LOOP
        INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
        SELECT contact_id, event_type, occurred_at, properties FROM plan
         WHERE occurred_at >= week AND occurred_at < week + interval '7 days'
         ORDER BY occurred_at;
        -- Some attributes change along the way (fit follows).
        UPDATE lead_scoring.contacts SET attributes = attributes || jsonb_build_object('employees', 1200)
         WHERE contact_id % 41 = (extract(epoch FROM week)::bigint / 604800) % 41;
        -- Maintenance runs every week, as the worker would.
        PERFORM lead_scoring.run_maintenance(week + interval '7 days');
        week := week + interval '7 days';
    END LOOP;
END $$;

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (7, 'page_visit', '2026-06-02 10:00+00', '{"url": "/pricing"}');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (7, 'form_submit', '2026-06-02 10:05+00', '{"form": "demo"}');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (1001, 'webinar_attended', '2026-06-03 15:00+00');

-- Operators at work (model "ops" has no decay, so their now() changes nothing).
SELECT lead_scoring.adjust('ops', 7, 12.5, 'met at the trade fair');
SELECT lead_scoring.adjust('ops', 8, -4, 'duplicate webinar', 'events');
SELECT lead_scoring.reset('ops', 9, 'back to nurture');
SELECT lead_scoring.adjust('ops', 2000, 3, 'a contact known only from a call');
UPDATE lead_scoring.alerts SET acknowledged_at = '2026-06-05 08:00+00' WHERE contact_id % 2 = 0;

-- Rule edits, a rebuild (of "ops": recompute applies the decay due now, which
-- would make "main" depend on the day the test runs), a GDPR erasure, and a last
-- maintenance run.
UPDATE lead_scoring.event_rules SET points = 5 WHERE name = 'visit';
UPDATE lead_scoring.event_rules SET points = 3 WHERE name = 'any visit';
SELECT lead_scoring.recompute('ops', 1, 100);
SELECT * FROM lead_scoring.forget_contact(13);
SELECT lead_scoring.run_maintenance('2026-06-20 00:00+00');
