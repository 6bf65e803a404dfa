-- Rule matching: event type, properties_match (containment), condition (jsonpath),
-- the most specific rule per group, independent groups and models.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m'), ('other');
INSERT INTO lead_scoring.point_groups (model_id, name) SELECT model_id, 'interest' FROM lead_scoring.models WHERE name = 'm';

INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, condition, points)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.match::jsonb, r.cond::jsonpath, r.points
  FROM (VALUES
    ('any visit',       'default',  'page_visit', NULL,                                   NULL,                           1),
    ('pricing (cond)',  'default',  'page_visit', NULL,                                   '$.url starts with "/pricing"', 3),
    ('docs visit',      'default',  'page_visit', '{"section": "docs"}',                  NULL,                           5),
    ('docs + campaign', 'default',  'page_visit', '{"section": "docs", "campaign": "x"}', NULL,                           7),
    ('docs (cond)',     'default',  'page_visit', '{"section": "docs"}',                  '$.seconds > 60',               6),
    ('interest visit',  'interest', 'page_visit', NULL,                                   NULL,                          10)
  ) AS r(name, point_group, event_type, match, cond, points)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group
  JOIN lead_scoring.models m ON m.model_id = g.model_id AND m.name = 'm'
 ORDER BY r.name;
INSERT INTO lead_scoring.event_rules (model_id, event_type, points, name)
SELECT model_id, 'page_visit', 100, 'other model visit' FROM lead_scoring.models WHERE name = 'other';
-- an inactive rule never awards
INSERT INTO lead_scoring.event_rules (model_id, event_type, points, name, active)
SELECT model_id, 'page_visit', 1000, 'switched off', false FROM lead_scoring.models WHERE name = 'm';

-- Each event goes to its own contact so that the award of each is visible alone.
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES
  (1, 'page_visit', '{"url": "/blog"}'),                                  -- plain: +1, interest +10
  (2, 'page_visit', '{"url": "/pricing/enterprise"}'),                    -- condition beats plain: +3
  (3, 'page_visit', '{"section": "docs", "seconds": 10}'),                -- one key: +5 (condition false)
  (4, 'page_visit', '{"section": "docs", "seconds": 90}'),                -- same keys, with condition: +6
  (5, 'page_visit', '{"section": "docs", "campaign": "x", "seconds": 90}'), -- two keys win: +7
  (6, 'page_visit', '{"url": "/pricing", "section": "blog"}'),            -- condition: +3
  (7, 'email_open', '{}');                                                -- no rule of that type

SELECT l.contact_id, m.name AS model, g.name AS point_group, r.name AS rule, l.delta
  FROM lead_scoring.ledger l
  JOIN lead_scoring.models m USING (model_id)
  JOIN lead_scoring.point_groups g USING (group_id)
  JOIN lead_scoring.event_rules r USING (rule_id)
 ORDER BY l.contact_id, m.name, g.name;

-- Every contact of an event is created, and has a score (0 without awards) in each model.
SELECT contact_id, attributes FROM lead_scoring.contacts ORDER BY contact_id;
SELECT model, contact_id, score FROM lead_scoring.scores ORDER BY model, contact_id;
SELECT model, point_group, contact_id, score FROM lead_scoring.group_scores ORDER BY model, point_group, contact_id;

-- An inactive model scores nothing.
UPDATE lead_scoring.models SET active = false WHERE name = 'other';
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 1 ORDER BY model;

-- Conditions are PostgreSQL jsonpath: a type mismatch is "unknown", not an error.
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES
  (8, 'page_visit', '{"section": "docs", "seconds": "long"}');
SELECT r.name, l.delta FROM lead_scoring.ledger l JOIN lead_scoring.event_rules r USING (rule_id)
 WHERE l.contact_id = 8 ORDER BY r.name;
