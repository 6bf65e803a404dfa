-- The extension's tables cannot be damaged from the side (issue 13, class 7): a
-- contact is erased whole (forget_contact) or not at all; the tables scores are made
-- from and kept in cannot be truncated; score rows go only with their contact or
-- their model; and the ledger's append-only guard has no setting that turns it off.
-- (All of this as a superuser, who could otherwise do each of these.)
\i test/fresh.sql
\set SHOW_CONTEXT never
INSERT INTO lead_scoring.models (name) VALUES ('m'), ('gone');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'visit', 5 FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (1, 'visit'), (2, 'visit');

DELETE FROM lead_scoring.contacts WHERE contact_id = 1;
DELETE FROM lead_scoring.contact_scores WHERE contact_id = 1;
TRUNCATE lead_scoring.events;
TRUNCATE lead_scoring.contacts CASCADE;
TRUNCATE lead_scoring.contact_scores;
-- The setting 0.1 used for forget_contact no longer opens the ledger.
SET lead_scoring.erasing_contact = '1';
DELETE FROM lead_scoring.ledger WHERE contact_id = 1;
RESET lead_scoring.erasing_contact;
-- Nor does calling the erasure functions: they are the owner's (forget_contact's)...
CREATE ROLE regress_intruder IN ROLE lead_scoring_admin;
SET ROLE regress_intruder;
SELECT lead_scoring.begin_erasure(1);
RESET ROLE;
DROP ROLE regress_intruder;
-- ...and an erasure ends with the savepoint or transaction that began it.
BEGIN;
SAVEPOINT s;
SELECT lead_scoring.begin_erasure(1);
SELECT lead_scoring.erasing(1) AS erasing_1, lead_scoring.erasing(2) AS erasing_2;
ROLLBACK TO SAVEPOINT s;
SELECT lead_scoring.erasing(1) AS still_erasing_1;
DELETE FROM lead_scoring.ledger WHERE contact_id = 1;
ROLLBACK;
SELECT contact_id, count(*) FROM lead_scoring.ledger GROUP BY contact_id ORDER BY contact_id;

-- forget_contact erases the whole contact.
SELECT relation, rows FROM lead_scoring.forget_contact(1);
SELECT lead_scoring.erasing(1) AS erasing_after_forget;
-- A deleted model's score rows go with it.
DELETE FROM lead_scoring.models WHERE name = 'gone';
SELECT model, contact_id, score FROM lead_scoring.scores ORDER BY model, contact_id;
