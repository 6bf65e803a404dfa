-- Thresholds: a crossing from < min_score to >= min_score by any cause writes one
-- alert (and a NOTIFY with notify_channel); falling below re-arms; event thresholds
-- fire on each matching event at or above the score.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.point_groups (model_id, name) SELECT model_id, 'product' FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points
  FROM (VALUES ('visit', 'default', 'page_visit', 10), ('bounce', 'default', 'bounce', -15),
               ('demo', 'product', 'demo_request', 30))
       AS r(name, point_group, event_type, points)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'VIP', '$.vip == true', 25 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, group_id, name, min_score, event_type, properties_match, notify_channel)
SELECT m.model_id, g.group_id, t.name, t.min_score, t.event_type, t.match::jsonb, t.channel
  FROM lead_scoring.models m
  CROSS JOIN (VALUES ('MQL', NULL, 25, NULL, NULL, 'mql'),
                     ('product interest', 'product', 30, NULL, NULL, NULL),
                     ('pricing while hot', NULL, 20, 'page_visit', '{"url": "/pricing"}', 'sales'))
       AS t(name, point_group, min_score, event_type, match, channel)
  LEFT JOIN lead_scoring.point_groups g ON g.model_id = m.model_id AND g.name = t.point_group;


-- 10, 20, 30 (MQL crosses at the third visit), then /pricing at 40: the event threshold.
INSERT INTO lead_scoring.events (contact_id, event_type, properties) VALUES
  (1, 'page_visit', '{}'), (1, 'page_visit', '{"url": "/pricing"}'), (1, 'page_visit', '{}'),
  (1, 'page_visit', '{"url": "/pricing"}');
-- falls to 25 (still >= 25, no alert), to 10 (re-armed), then crosses again at 40 with a group crossing.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'bounce'), (1, 'bounce');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'demo_request');

-- (alerts numbered in id order: on Citus a worker's ids start at its own range)
SELECT row_number() OVER (ORDER BY a.alert_id) AS alert_no, t.name AS threshold, a.contact_id, a.score, e.event_type, e.properties->>'url' AS url
  FROM lead_scoring.alerts a JOIN lead_scoring.thresholds t USING (threshold_id)
  LEFT JOIN lead_scoring.events e USING (contact_id, event_id)
 ORDER BY a.alert_id;

-- A contact created with attributes that put it over a threshold: an alert without event.
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (2, '{"vip": true}');
-- An attribute change that crosses it for an existing contact.
INSERT INTO lead_scoring.contacts (contact_id) VALUES (3);
UPDATE lead_scoring.contacts SET attributes = '{"vip": true}' WHERE contact_id = 3;
SELECT t.name AS threshold, a.contact_id, a.score, a.event_id FROM lead_scoring.alerts a
  JOIN lead_scoring.thresholds t USING (threshold_id) WHERE a.contact_id IN (2, 3) ORDER BY a.alert_id;

-- All of it is transactional: a rolled-back event leaves no score, ledger or alert.
SELECT count(*) AS alerts_before FROM lead_scoring.alerts \gset
BEGIN;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (4, 'page_visit'), (4, 'page_visit'), (4, 'page_visit');
SELECT score FROM lead_scoring.scores WHERE contact_id = 4;
ROLLBACK;
SELECT count(*) = :alerts_before AS no_new_alert FROM lead_scoring.alerts;
SELECT count(*) AS rows_for_4 FROM (
  SELECT contact_id FROM lead_scoring.contacts WHERE contact_id = 4 UNION ALL
  SELECT contact_id FROM lead_scoring.contact_scores WHERE contact_id = 4 UNION ALL
  SELECT contact_id FROM lead_scoring.ledger WHERE contact_id = 4) x;
