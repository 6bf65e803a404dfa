-- evaluate(model, as_of) and band_report(model, as_of) on a hand-made history:
-- converted contacts are judged by their score just before their first conversion,
-- the others by their score at as_of; nothing after as_of counts.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('e', 'signup');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, r.name, r.name, r.points FROM lead_scoring.models,
       (VALUES ('visit', 10), ('demo', 30), ('signup', 50)) AS r(name, points);
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.name, b.min_score FROM lead_scoring.models,
       (VALUES ('0-25', 0), ('26-50', 26), ('51-75', 51), ('76-100', 76)) AS b(name, min_score);

-- 1: 10 + 10 + 30 = 50 before signing up on Jan 10 (9 days after its first event).
-- 2: 10 before signing up on Jan 5 (4 days).
-- 3: 30 + 30 + 10 = 70, never converts.       4: 10, never converts (adjusted later).
-- 5: 30 at as_of; signs up on Mar 5, after as_of.
-- 6: first seen after as_of: not judged at as_of.
-- 7: 10 before its first signup on Jan 2 (1 day); a second signup changes nothing.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (1, 'visit', '2026-01-01'), (1, 'visit', '2026-01-02'), (1, 'demo', '2026-01-03'), (1, 'signup', '2026-01-10'),
    (2, 'visit', '2026-01-01'), (2, 'signup', '2026-01-05'),
    (3, 'demo', '2026-01-01'), (3, 'demo', '2026-01-02'), (3, 'visit', '2026-01-03'),
    (4, 'visit', '2026-01-01'),
    (5, 'demo', '2026-02-01'), (5, 'signup', '2026-03-05'),
    (6, 'visit', '2026-03-10'),
    (7, 'visit', '2026-01-01'), (7, 'signup', '2026-01-02'), (7, 'signup', '2026-01-03');
-- Made today, after as_of: leaves the judgement at as_of alone.
SELECT lead_scoring.adjust('e', 4, 100, 'late call') > 0 AS adjusted;

SELECT * FROM lead_scoring.judged_scores('e', '2026-03-01') ORDER BY contact_id;
-- 6 contacts, 3 converted; converted {50, 10, 10} against others {70, 10, 30}:
-- 50 beats 10 and 30 (2), each 10 ties one 10 (0.5 + 0.5): AUC 3 / 9.
SELECT contacts, converted, round(auc::numeric, 6) AS auc, avg_score_converted, avg_score_not_converted
  FROM lead_scoring.evaluate('e', '2026-03-01');
-- 0-25: 2, 4, 7 (2 converted, after 4 and 1 days); 26-50: 1, 5 (1, after 9 days); 51-75: 3.
SELECT * FROM lead_scoring.band_report('e', '2026-03-01');

-- A month later contact 5 has converted (judged at 30, 32 days after its first event)
-- and contact 6 exists (10).
SELECT * FROM lead_scoring.band_report('e', '2026-04-01');
SELECT contacts, converted, round(auc::numeric, 6) AS auc FROM lead_scoring.evaluate('e', '2026-04-01');

-- The judgement uses the current rules: with demos worth 5, converted {25, 10, 10}
-- against others {20, 10, 5}: 25 beats all three (3), each 10 ties one and beats
-- one (1.5 + 1.5): AUC 6 / 9.
UPDATE lead_scoring.event_rules SET points = 5 WHERE name = 'demo';
SELECT contacts, converted, round(auc::numeric, 6) AS auc FROM lead_scoring.evaluate('e', '2026-03-01');

-- Without any converted or any other contact the AUC is null.
SELECT lead_scoring.auc('{}', '{1,2}') IS NULL AS no_converted, lead_scoring.auc('{1}', '{}') IS NULL AS no_others;
-- A null score in either array is refused, naming the argument.
SELECT lead_scoring.auc('{1,NULL}', '{2}');
SELECT lead_scoring.auc('{1}', '{NULL}');
SELECT contacts, converted, auc FROM lead_scoring.evaluate('e', '2025-01-01');

-- A reader (a BI tool) may evaluate.
SET ROLE lead_scoring_reader;
SELECT contacts FROM lead_scoring.evaluate('e', '2026-03-01');
RESET ROLE;

-- Bad input.
INSERT INTO lead_scoring.models (name) VALUES ('no_conversions');
SELECT * FROM lead_scoring.evaluate('no_conversions');
SELECT * FROM lead_scoring.evaluate('nope');
SELECT * FROM lead_scoring.band_report('e', NULL);
SELECT * FROM lead_scoring.evaluate('e', 'infinity');

-- Second history, from a fresh extension (every contact that exists by as_of is
-- judged): decay up to the conversion, a negative score (below every band), a
-- contact with no events and an operator's adjustment made before as_of (a day
-- from now, so that today's adjustment counts), and
-- conversions at the same instant as another event (replay order: occurred_at,
-- then event_id, so only the event inserted first counts).
\i test/fresh.sql
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('e2', 'purchase');
UPDATE lead_scoring.point_groups SET decay_after = '30 days', decay_every = '7 days', decay_points = 10;
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, r.name, r.name, r.points FROM lead_scoring.models,
       (VALUES ('web', 100), ('complaint', -20)) AS r(name, points);
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.name, b.min_score FROM lead_scoring.models, (VALUES ('low', 0), ('high', 60)) AS b(name, min_score);
-- 101: 100 on Jan 1; by its purchase on Mar 1 (59 days) floor((59 - 30) / 7) + 1 = 5
--      steps are due: judged at 50, converted after 59 days.
-- 102: -20, untouched by decay: below every band.
-- 103: no events; 15 points by hand (today, before as_of).
-- 104: web, then purchase at the same instant: judged at 100, converted after 0 days.
-- 105: purchase, then web at the same instant: judged at 0, converted after 0 days.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (101, 'web', '2026-01-01'), (101, 'purchase', '2026-03-01'),
    (102, 'complaint', '2026-01-01'),
    (104, 'web', '2026-02-01 12:00'), (104, 'purchase', '2026-02-01 12:00'),
    (105, 'purchase', '2026-02-01 12:00'), (105, 'web', '2026-02-01 12:00');
INSERT INTO lead_scoring.contacts (contact_id) VALUES (103);
SELECT lead_scoring.adjust('e2', 103, 15, 'phone call') AS adjusted;
SELECT * FROM lead_scoring.judged_scores('e2', pg_catalog.now() + interval '1 day') ORDER BY contact_id;
-- Converted {50, 100, 0} against others {-20, 15}: 50 and 100 beat both (4), 0
-- beats -20 (1): AUC 5 / 6; averages 50 and -2.5.
SELECT contacts, converted, round(auc::numeric, 6) AS auc, avg_score_converted, avg_score_not_converted
  FROM lead_scoring.evaluate('e2', pg_catalog.now() + interval '1 day');
-- Band NULL first: 102. low: 101, 103, 105 (2 of 3 converted, after 59 and 0 days:
-- 29.50). high: 104 (after 0 days).
SELECT * FROM lead_scoring.band_report('e2', pg_catalog.now() + interval '1 day');
-- Before the adjustment was made, contact 103 (created today) did not exist yet.
SELECT contacts, converted FROM lead_scoring.evaluate('e2', '2026-06-01');

-- Attributes as they were then (the attribute history): contact 8 signs up on Jan 20
-- as a small company (no fit points); on Feb 1 sales fills in its size, which is
-- worth 40 in model 'f'. Judged at as_of, it is judged just before its signup:
-- without the 40 (a score of 10, not 50); contact 9, which never converts, is judged
-- at as_of with the size it had then (40 + 10).
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('f', 'signup');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'visit', 10 FROM lead_scoring.models WHERE name = 'f';
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'large', '$.employees > 500', 40 FROM lead_scoring.models WHERE name = 'f';
INSERT INTO lead_scoring.contacts (contact_id, attributes, updated_at) VALUES
    (8, '{"employees": 20}', '2026-01-01'), (9, '{"employees": 2000}', '2026-01-01');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (8, 'visit', '2026-01-15'), (8, 'signup', '2026-01-20'), (9, 'visit', '2026-01-15');
UPDATE lead_scoring.contacts SET attributes = '{"employees": 2000}', updated_at = '2026-02-01' WHERE contact_id = 8;
UPDATE lead_scoring.contacts SET attributes = '{"employees": 20}', updated_at = '2026-03-15' WHERE contact_id = 9;
SELECT contact_id, score FROM lead_scoring.scores WHERE model = 'f' AND contact_id IN (8, 9) ORDER BY contact_id;  -- today: 50, 10
SELECT contact_id, score, converted_at FROM lead_scoring.judged_scores('f', '2026-03-01') WHERE contact_id IN (8, 9)
 ORDER BY contact_id;
