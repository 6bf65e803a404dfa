-- forget_contact(): GDPR erasure of one contact from every table, reporting the
-- rows removed per table; other contacts keep everything.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 30 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 50 FROM lead_scoring.models;
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"email": "anna@example.com"}');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit'), (1, 'page_visit'), (2, 'page_visit'), (2, 'page_visit');
SELECT lead_scoring.adjust('m', 1, 5, 'asked for a call');

SELECT * FROM lead_scoring.forget_contact(1);
SELECT (SELECT count(*) FROM lead_scoring.contacts WHERE contact_id = 1) AS contacts,
       (SELECT count(*) FROM lead_scoring.events WHERE contact_id = 1) AS events,
       (SELECT count(*) FROM lead_scoring.scores WHERE contact_id = 1) AS scores,
       (SELECT count(*) FROM lead_scoring.ledger WHERE contact_id = 1) AS ledger,
       (SELECT count(*) FROM lead_scoring.alerts WHERE contact_id = 1) AS alerts;
-- Contact 2 is untouched.
SELECT contact_id, score FROM lead_scoring.scores ORDER BY contact_id;
SELECT count(*) AS ledger_rows_of_2 FROM lead_scoring.ledger WHERE contact_id = 2;

-- Erasing an unknown contact removes nothing and leaves nothing behind.
SELECT * FROM lead_scoring.forget_contact(99);
SELECT count(*) AS contacts_99 FROM lead_scoring.contacts WHERE contact_id = 99;
SELECT * FROM lead_scoring.forget_contact(NULL);

-- A later event for the erased contact starts it afresh, from 0.
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'page_visit');
SELECT contact_id, score FROM lead_scoring.scores WHERE contact_id = 1;

-- The erasure's permission to delete ledger rows ends with it.
DELETE FROM lead_scoring.ledger WHERE contact_id = 2;
