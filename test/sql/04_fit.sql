-- Fit scoring from attribute rules: recomputed when a contact is inserted or its
-- attributes change; "qualified" needs every active required rule.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'fit', 15 FROM lead_scoring.models;
INSERT INTO lead_scoring.attribute_rules (model_id, group_id, name, condition, points, required)
SELECT g.model_id, g.group_id, r.name, r.cond::jsonpath, r.points, r.required
  FROM (VALUES ('mid-size',   'fit',     '$.employees >= 50 && $.employees < 250', 10, false),
               ('in the EU',  'fit',     '$.country like_regex "^(PL|DE|FR)$"',     8, true),
               ('has email',  'default', 'exists($.email)',                          1, true),
               ('student',    'default', '$.title == "student"',                   -5, false))
       AS r(name, point_group, cond, points, required)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 3 FROM lead_scoring.models;

INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES
  (1, '{"employees": 120, "country": "PL", "email": "a@x.pl"}'),   -- 10 + 8 capped to 15, + 1
  (2, '{"employees": 20, "country": "US", "email": "b@x.com"}'),   -- 1, not qualified (not EU)
  (3, '{"title": "student", "country": "DE"}'),                    -- 8 - 5, not qualified (no email)
  (4, '{}');
SELECT contact_id, score, fit_score, behavior_score, qualified FROM lead_scoring.scores ORDER BY contact_id;
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 1);

-- Events add behaviour on top of fit; an attribute change refits, keeping behaviour.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (2, 'page_visit'), (2, 'page_visit');
UPDATE lead_scoring.contacts SET attributes = attributes || '{"country": "FR", "employees": 60}' WHERE contact_id = 2;
SELECT contact_id, score, fit_score, behavior_score, qualified FROM lead_scoring.scores WHERE contact_id = 2;
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 2);

-- An update that does not change the attributes changes nothing.
SELECT updated_at AS before FROM lead_scoring.contact_scores WHERE contact_id = 2 \gset
UPDATE lead_scoring.contacts SET attributes = attributes WHERE contact_id = 2;
SELECT updated_at = :'before' AS untouched FROM lead_scoring.contact_scores WHERE contact_id = 2;

-- Losing an attribute removes its points.
UPDATE lead_scoring.contacts SET attributes = attributes - 'email' WHERE contact_id = 2;
SELECT contact_id, score, fit_score, qualified FROM lead_scoring.scores WHERE contact_id = 2;

-- A model created after the contacts: the contact's next event gives it its fit there.
INSERT INTO lead_scoring.models (name) VALUES ('late');
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'EU', '$.country == "DE"', 4 FROM lead_scoring.models WHERE name = 'late';
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (3, 'newsletter');
SELECT model, contact_id, score, fit_score FROM lead_scoring.scores WHERE contact_id = 3 ORDER BY model;
