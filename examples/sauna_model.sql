-- The spec's worked example, model "sauna": the rules and the threshold.
INSERT INTO lead_scoring.models (name, description, conversion_event_type)
VALUES ('sauna', 'seed article: sauna manufacturer, no caps, no decay', 'contract_signed');

INSERT INTO lead_scoring.event_rules (model_id, name, event_type, properties_match, points)
SELECT m.model_id, r.name, r.event_type, r.match::jsonb, r.points
  FROM lead_scoring.models m,
       (VALUES ('page visit',        'page_visit',       NULL,                    5),
               ('e-book download',   'form_submit',      '{"download": true}',   10),
               ('email open',        'email_open',       NULL,                    2),
               ('email click',       'email_click',      NULL,                    2),
               ('nurture page visit','page_visit',       '{"campaign": "nurture"}', 4),
               ('webinar attended',  'webinar_attended', NULL,                   20),
               ('contract signed',   'contract_signed',  NULL,                   30))
       AS r(name, event_type, match, points)
 WHERE m.name = 'sauna';

INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'business customer', '$.is_business == true', 5
  FROM lead_scoring.models WHERE name = 'sauna';

INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type, properties_match, notify_channel)
SELECT model_id, 'hot: pricing page', 70, 'page_visit', '{"url": "/pricing"}', 'sales'
  FROM lead_scoring.models WHERE name = 'sauna';

INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT m.model_id, b.name, b.min_score
  FROM lead_scoring.models m,
       (VALUES ('cold', 0), ('warm', 26), ('hot', 51), ('on fire', 76)) AS b(name, min_score)
 WHERE m.name = 'sauna';
