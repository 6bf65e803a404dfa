-- max_awards, cooldown, group caps (awards cut, never negative ones) and the
-- model's min/max clamp, with explain showing the difference as 'clamp' rows.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, min_score, max_score) VALUES ('m', -10, 40);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points)
SELECT model_id, 'capped', 12 FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, counts_toward_total)
SELECT model_id, 'side', false FROM lead_scoring.models;

INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points, max_awards, cooldown)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points, r.max_awards, r.cooldown::interval
  FROM (VALUES ('once',        'default', 'signup',       8, 1,    NULL),
               ('twice',       'default', 'download',     3, 2,    NULL),
               ('daily',       'default', 'login',        2, NULL, '1 day'),
               ('capped rule', 'capped',  'webinar',      5, 4,    NULL),
               ('unsubscribe', 'capped',  'unsubscribe', -4, NULL, NULL),
               ('big',         'default', 'purchase',    50, NULL, NULL),
               ('complaint',   'default', 'complaint',  -80, NULL, NULL),
               ('side points', 'side',    'login',        7, NULL, NULL))
       AS r(name, point_group, event_type, points, max_awards, cooldown)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;

-- max_awards: 1 and 2 awards per contact, then nothing (contact 1), but per contact.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
  (1, 'signup', '2026-01-01 10:00+00'), (1, 'signup', '2026-01-02 10:00+00'),
  (1, 'download', '2026-01-01 10:00+00'), (1, 'download', '2026-01-02 10:00+00'), (1, 'download', '2026-01-03 10:00+00'),
  (2, 'signup', '2026-01-01 10:00+00');
SELECT contact_id, score FROM lead_scoring.scores ORDER BY contact_id;

-- cooldown: an award only when occurred_at is at least 1 day after the last award.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
  (3, 'login', '2026-01-01 08:00+00'),
  (3, 'login', '2026-01-01 20:00+00'),   -- 12 h later: no
  (3, 'login', '2026-01-02 08:00+00'),   -- exactly 1 day after the last award: yes
  (3, 'login', '2026-01-02 09:00+00');   -- no
SELECT r.name AS rule, l.occurred_at, l.delta FROM lead_scoring.ledger l JOIN lead_scoring.event_rules r USING (rule_id)
 WHERE l.contact_id = 3 ORDER BY l.entry_id;

-- cap 12 on "capped": 5, 5, then cut to 2, then cut to 0 (recorded, and it counts
-- toward max_awards 4: the 5th webinar awards nothing at all).
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES
  (4, 'webinar'), (4, 'webinar'), (4, 'webinar'), (4, 'webinar'), (4, 'webinar');
SELECT r.name AS rule, l.delta FROM lead_scoring.ledger l JOIN lead_scoring.event_rules r USING (rule_id)
 WHERE l.contact_id = 4 ORDER BY l.entry_id;
-- negative awards are never cut, and the balance goes back under the cap
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (4, 'unsubscribe');
SELECT point_group, score, fit_score, behavior_score FROM lead_scoring.group_scores WHERE contact_id = 4 ORDER BY point_group;

-- A capped group whose fit alone passes the cap: awards are cut to 0.
INSERT INTO lead_scoring.attribute_rules (model_id, group_id, name, condition, points)
SELECT model_id, group_id, 'big account', '$.big == true', 20 FROM lead_scoring.point_groups WHERE name = 'capped';
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (5, '{"big": true}');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (5, 'webinar');

-- The model clamps the total to [-10, 40]; groups that do not count are left out.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (6, 'purchase'), (6, 'login');
SELECT contact_id, score, fit_score, behavior_score FROM lead_scoring.scores WHERE contact_id = 6;
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 6);
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (7, 'complaint');
SELECT contact_id, score, behavior_score FROM lead_scoring.scores WHERE contact_id = 7;
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 7);

-- A capped group shows its cut as a clamp row; every explain adds up to the score.
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 5);
SELECT s.contact_id, s.score, (SELECT sum(points) FROM lead_scoring.explain('m', s.contact_id)) AS explained
  FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s ORDER BY s.contact_id;
