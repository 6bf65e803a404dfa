-- Absence rules (SPEC "Absence rules") with the combination rule of 27: the whole
-- seed table of webinar reactions (invited, did not register -30; registered, did
-- not attend -20; attended +10; + asked +20; + downloaded +20; all three +35),
-- deadlines from the webinar's own times, fired by maintenance and by a later event
-- or adjustment, taken back by late data, replayed by recompute and evaluate;
-- bad definitions refused when written.
\i test/fresh.sql
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('webinars', 'purchase');
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, anchor_match, expected_event_type,
                                        expected_match, correlate_by, deadline_property, points)
SELECT model_id, r.name, 'webinar', r.anchor::jsonb, 'webinar', r.expected::jsonb, 'webinar_id', r.deadline, r.points
  FROM lead_scoring.models,
       (VALUES ('no registration', '{"action": "invited"}', '{"action": "registered"}', 'starts_at', -30),
               ('no show', '{"action": "registered"}', '{"action": "attended"}', 'ends_at', -20))
       r(name, anchor, expected, deadline, points);
INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by)
SELECT model_id, 'webinar reactions', 'webinar_id' FROM lead_scoring.models;
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type, properties_match)
SELECT rule_id, f.fact, f.event_type, f.match::jsonb
  FROM lead_scoring.combination_rules,
       (VALUES ('attended', 'webinar', '{"action": "attended"}'), ('asked', 'webinar', '{"action": "question"}'),
               ('downloaded', 'download', '{}')) f(fact, event_type, match);
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points)
SELECT rule_id, t.facts::text[], t.points
  FROM lead_scoring.combination_rules,
       (VALUES ('{attended}', 10), ('{attended,asked}', 20), ('{attended,downloaded}', 20),
               ('{attended,asked,downloaded}', 35)) t(facts, points);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'engaged', 10 FROM lead_scoring.models;

-- Webinar 7 starts 2026-03-10 10:00 and ends 11:00; each reaction is an event.
CREATE TEMP TABLE reaction (r text, event_type text, occurred_at timestamptz, properties jsonb);
INSERT INTO reaction VALUES
    ('invited', 'webinar', '2026-03-01 09:00', '{"webinar_id": 7, "action": "invited", "starts_at": "2026-03-10T10:00:00Z"}'),
    ('registered', 'webinar', '2026-03-02 09:00', '{"webinar_id": 7, "action": "registered", "ends_at": "2026-03-10 11:00:00+00"}'),
    ('attended', 'webinar', '2026-03-10 10:05', '{"webinar_id": 7, "action": "attended"}'),
    ('asked', 'webinar', '2026-03-10 10:30', '{"webinar_id": 7, "action": "question"}'),
    ('downloaded', 'download', '2026-03-10 10:40', '{"webinar_id": 7, "asset": "ebook"}');
CREATE TEMP TABLE plan (contact_id bigint, reactions text[]);
INSERT INTO plan VALUES
    (1, '{invited}'),
    (2, '{invited,registered}'),
    (3, '{invited,registered,attended}'),
    (4, '{invited,registered,attended,asked}'),
    (5, '{invited,registered,attended,downloaded}'),
    (6, '{invited,registered,attended,asked,downloaded}');
-- Contacts 1-6 one event per statement in time order, 11-16 in one batch in time
-- order, 21-26 in one batch in reverse order (late data: an attendance arrives
-- before the registration it settles).
DO $$
DECLARE
    p record;
    x record;
BEGIN
    FOR p IN SELECT * FROM plan ORDER BY contact_id LOOP
        FOR x IN SELECT r.* FROM reaction r WHERE r.r = ANY (p.reactions) ORDER BY r.occurred_at LOOP
            INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
            VALUES (p.contact_id, x.event_type, x.occurred_at, x.properties);
        END LOOP;
    END LOOP;
END $$;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT p.contact_id + 10, r.event_type, r.occurred_at, r.properties
  FROM plan p JOIN reaction r ON r.r = ANY (p.reactions) ORDER BY p.contact_id, r.occurred_at;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT p.contact_id + 20, r.event_type, r.occurred_at, r.properties
  FROM plan p JOIN reaction r ON r.r = ANY (p.reactions) ORDER BY p.contact_id, r.occurred_at DESC;
-- Before the webinar nothing is due; maintenance then fires what passed.
SELECT lead_scoring.run_maintenance('2026-03-10 09:00');
SELECT lead_scoring.run_maintenance('2026-03-10 10:00');  -- the deadline itself: still in time
SELECT lead_scoring.run_maintenance('2026-03-12');
SELECT lead_scoring.run_maintenance('2026-03-13');        -- each penalty once
SELECT p.contact_id, p.reactions, s1.score AS one_by_one, s2.score AS batch, s3.score AS reversed
  FROM plan p
  LEFT JOIN lead_scoring.scores s1 ON s1.contact_id = p.contact_id
  LEFT JOIN lead_scoring.scores s2 ON s2.contact_id = p.contact_id + 10
  LEFT JOIN lead_scoring.scores s3 ON s3.contact_id = p.contact_id + 20
 ORDER BY p.contact_id;
-- A penalty is dated by its deadline and names no event.
SELECT contact_id, kind, delta, event_id, occurred_at FROM lead_scoring.ledger
 WHERE contact_id IN (1, 2) ORDER BY contact_id, entry_id;
-- explain names the rules, and adds up everywhere.
SELECT point_group, source, rule, points, occurred_at FROM lead_scoring.explain('webinars', 2);
SELECT count(*) AS explain_mismatches FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s
 WHERE s.score <> (SELECT coalesce(sum(points), 0) FROM lead_scoring.explain('webinars', s.contact_id));
-- Penalties fired no alert: only the contacts that reached 10 by an event have one.
SELECT contact_id, score FROM lead_scoring.alerts WHERE contact_id < 10 ORDER BY contact_id;

-- Late data: contact 30 registered, maintenance fired "no show", then its attendance
-- (10:05, in time) arrives: the penalty is taken back (a new ledger row) and the
-- combination awards.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 30, event_type, occurred_at, properties FROM reaction WHERE r IN ('invited', 'registered') ORDER BY occurred_at;
SELECT lead_scoring.run_maintenance('2026-03-12');
SELECT score FROM lead_scoring.scores WHERE contact_id = 30;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 30, event_type, occurred_at, properties FROM reaction WHERE r = 'attended';
SELECT score FROM lead_scoring.scores WHERE contact_id = 30;
SELECT kind, delta, event_id IS NOT NULL AS by_event FROM lead_scoring.ledger WHERE contact_id = 30 ORDER BY entry_id;
-- An attendance after the deadline (the webinar's recording, 12:00) settles nothing.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 31, event_type, occurred_at, properties FROM reaction WHERE r = 'registered';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
VALUES (31, 'webinar', '2026-03-10 12:00', '{"webinar_id": 7, "action": "attended"}');
SELECT score FROM lead_scoring.scores WHERE contact_id = 31;  -- -20 (fired by the event first) + 10

-- A deadline passed is applied by the contact's next event or adjustment first, as
-- decay is: contact 32 registered; nothing ran; an adjustment on 2026-03-20 (the
-- transaction's time is now(), later than the deadline) fires it before adjusting.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 32, event_type, occurred_at, properties FROM reaction WHERE r = 'registered';
SELECT maintenance_due_at = '2026-03-10 11:00+00'::timestamptz + interval '1 microsecond' AS due_just_after_deadline
  FROM lead_scoring.contact_scores WHERE contact_id = 32;
SELECT lead_scoring.adjust('webinars', 32, 5, 'called');
SELECT kind, delta FROM lead_scoring.ledger WHERE contact_id = 32 ORDER BY entry_id;

-- Two deadlines of one contact: settling the earlier one leaves the later one due
-- (maintenance finds it through the score row's maintenance_due_at).
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (33, 'webinar', '2026-03-01', '{"webinar_id": 71, "action": "registered", "ends_at": "2026-03-10T11:00:00Z"}'),
    (33, 'webinar', '2026-03-01', '{"webinar_id": 72, "action": "registered", "ends_at": "2026-03-20T11:00:00Z"}');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (33, 'webinar', '2026-03-10 10:05', '{"webinar_id": 71, "action": "attended"}');
SELECT maintenance_due_at = '2026-03-20 11:00+00'::timestamptz + interval '1 microsecond' AS due_at_the_later_deadline
  FROM lead_scoring.contact_scores WHERE contact_id = 33;
SELECT lead_scoring.run_maintenance('2026-03-21') AS fired;
SELECT score FROM lead_scoring.scores WHERE contact_id = 33;  -- 10 (attended 71) - 20 (no show at 72)
-- A deadline_property that is a word, not a time ('today', 'now'), arms nothing;
-- a time without a zone is UTC whatever the session's TimeZone.
SET timezone = 'America/New_York';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (34, 'webinar', '2026-03-01', '{"webinar_id": 73, "action": "registered", "ends_at": "today"}'),
    (34, 'webinar', '2026-03-01', '{"webinar_id": 74, "action": "registered", "ends_at": "2026-03-10 11:00:00"}');
SET timezone = 'UTC';
SELECT r.name AS rule, d.correlation, d.deadline_at FROM lead_scoring.absence_deadlines d JOIN lead_scoring.absence_rules r USING (rule_id)
 WHERE d.contact_id = 34 AND r.name = 'no show' ORDER BY 2;

-- Without deadline_property, the anchor's time plus deadline_after; an anchor
-- without a usable deadline_property arms nothing.
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, deadline_after, points)
SELECT model_id, 'no demo within a week', 'trial_started', 'demo_booked', '7 days', -15 FROM lead_scoring.models;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (40, 'trial_started', '2026-04-01'), (41, 'trial_started', '2026-04-01'), (41, 'demo_booked', '2026-04-08');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (42, 'webinar', '2026-03-02', '{"webinar_id": 8, "action": "registered", "ends_at": "soon"}'),
    (43, 'webinar', '2026-03-02', '{"webinar_id": 8, "action": "registered"}');
SELECT lead_scoring.run_maintenance('2026-05-01');
SELECT contact_id, score FROM lead_scoring.scores WHERE contact_id BETWEEN 40 AND 43 ORDER BY contact_id;
SELECT contact_id, rule_id, correlation, deadline_at, expected_at, penalty, taken_back, due_at
  FROM lead_scoring.absence_deadlines WHERE contact_id IN (30, 40, 41) ORDER BY contact_id, rule_id;

-- Recompute rebuilds what live scoring did (for contacts whose data came in time
-- order; late data too: the take-back and the fired penalty net out the same).
CREATE TEMP TABLE before AS SELECT contact_id, score FROM lead_scoring.scores;
CREATE TEMP TABLE deadlines_before AS
    SELECT contact_id, rule_id, correlation, deadline_at, expected_at, penalty, due_at FROM lead_scoring.absence_deadlines;
SELECT lead_scoring.recompute('webinars');
SELECT b.contact_id, b.score AS live, s.score AS recomputed FROM before b JOIN lead_scoring.scores s USING (contact_id)
 WHERE s.score <> b.score ORDER BY 1;
SELECT contact_id, rule_id, correlation, deadline_at, expected_at, penalty, due_at FROM lead_scoring.absence_deadlines
EXCEPT SELECT * FROM deadlines_before ORDER BY 1, 2;
SELECT count(*) AS explain_mismatches FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s
 WHERE s.score <> (SELECT coalesce(sum(points), 0) FROM lead_scoring.explain('webinars', s.contact_id));

-- evaluate replays the penalties: contact 2 (registered, no show) bought on 03-15,
-- judged just before with its -20 applied.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (2, 'purchase', '2026-03-15');
SELECT contact_id, score FROM lead_scoring.judged_scores('webinars', '2026-06-01') WHERE contact_id IN (1, 2, 6)
 ORDER BY contact_id;

-- forget_contact erases the deadlines.
SELECT relation, rows FROM lead_scoring.forget_contact(2) WHERE relation = 'absence_deadlines';

-- Bad definitions are refused, naming the rule and the problem.
\set VERBOSITY terse
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points)
SELECT model_id, 'self', 'visit', 'visit', -5 FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points, correlate_by)
SELECT model_id, 'bad key', 'a', 'b', -5, '$.id' FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points, deadline_property)
SELECT model_id, 'bad deadline', 'a', 'b', -5, 'ends at' FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points, deadline_after)
SELECT model_id, 'negative', 'a', 'b', -5, '-1 year 361 days' FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points, deadline_after)
SELECT model_id, 'forever', 'a', 'b', -5, '2000 years' FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points)
SELECT model_id, 'fractional', 'a', 'b', -5.00001 FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points, anchor_match)
SELECT model_id, 'array', 'a', 'b', -5, '[1]' FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, window_size) SELECT model_id, 'recent', '30 days' FROM lead_scoring.models;
INSERT INTO lead_scoring.absence_rules (model_id, name, anchor_event_type, expected_event_type, points, group_id)
SELECT model_id, 'windowed', 'a', 'b', -5, group_id FROM lead_scoring.point_groups WHERE name = 'recent';
UPDATE lead_scoring.point_groups SET window_size = '30 days' WHERE name = 'default';
\set VERBOSITY default
SELECT count(*) AS absence_rules FROM lead_scoring.absence_rules;
