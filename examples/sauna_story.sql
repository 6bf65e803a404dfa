-- Andrzej's story (contact 1), step by step, with his score after each step.
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"name": "Andrzej", "is_business": true}');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (1, 'page_visit',  '2026-03-02 10:00+00', '{"url": "/saunas"}'),
    (1, 'page_visit',  '2026-03-02 10:05+00', '{"url": "/saunas/outdoor"}'),
    (1, 'form_submit', '2026-03-02 10:10+00', '{"form": "ebook", "download": true}');
SELECT 'after the e-book' AS step, score FROM lead_scoring.scores WHERE model = 'sauna' AND contact_id = 1;

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 1, e.event_type, timestamptz '2026-03-09 09:00+00' + (w * interval '7 days') + e.delay, e.properties::jsonb
  FROM generate_series(0, 3) AS w,
       (VALUES ('email_open',  interval '0',  '{"campaign": "nurture"}'),
               ('email_click', interval '1 minute', '{"campaign": "nurture"}'),
               ('page_visit',  interval '2 minutes', '{"campaign": "nurture", "url": "/blog"}')) AS e(event_type, delay, properties)
 ORDER BY w, e.delay;
SELECT 'after the nurture emails' AS step, score FROM lead_scoring.scores WHERE model = 'sauna' AND contact_id = 1;

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (1, 'webinar_attended', '2026-04-07 17:00+00');
SELECT 'after the webinar' AS step, score FROM lead_scoring.scores WHERE model = 'sauna' AND contact_id = 1;

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
VALUES (1, 'page_visit', '2026-04-08 08:30+00', '{"url": "/pricing"}');
SELECT 'after the pricing page' AS step, score FROM lead_scoring.scores WHERE model = 'sauna' AND contact_id = 1;

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (1, 'contract_signed', '2026-04-20 12:00+00');
SELECT 'after signing' AS step, score FROM lead_scoring.scores WHERE model = 'sauna' AND contact_id = 1;
