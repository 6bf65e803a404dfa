-- Decay: with L the latest activity, steps due at t are
-- floor((t - L - decay_after) / decay_every) + 1; each takes decay_points (or
-- decay_percent of the balance) off a positive balance, never below 0, and is
-- applied once, by run_maintenance(as_of) or by the contact's next event.
\i test/fresh.sql
-- Days are 24 hours (README); in UTC the calendar agrees, so that boundaries below
-- fall exactly where the comments say (the regress default, PST8PDT, moves them by
-- an hour across the March DST change).
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name) VALUES ('m');
UPDATE lead_scoring.point_groups SET decay_after = '30 days', decay_every = '7 days', decay_points = 10
 WHERE name = 'default';
INSERT INTO lead_scoring.point_groups (model_id, name, max_points, decay_after, decay_percent)
SELECT model_id, 'email', 30, '10 days', 50 FROM lead_scoring.models;  -- decay_every defaults to decay_after
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.name, b.min_score FROM lead_scoring.models, (VALUES ('cold', 0), ('warm', 30), ('hot', 60)) b(name, min_score);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 60 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points
  FROM (VALUES ('visit', 'default', 'page_visit', 45), ('open', 'email', 'email_open', 25),
               ('complaint', 'default', 'complaint', -20)) AS r(name, point_group, event_type, points)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;

-- Contact 1: 45 + 25 = 70 (hot, MQL). Contact 2: -20 (a negative balance). Contact 3: 25.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (1, 'page_visit', '2026-01-01'), (1, 'email_open', '2026-01-01'),
    (2, 'complaint', '2026-01-01'), (3, 'email_open', '2026-01-01');
SELECT contact_id, score, band FROM lead_scoring.scores ORDER BY contact_id;

-- Nothing is due before L + decay_after.
SELECT lead_scoring.run_maintenance('2026-01-10 23:59');
-- 2026-01-11: the email group's first step (10 days): 25 -> 12.5.
SELECT lead_scoring.run_maintenance('2026-01-11');
-- 2026-02-07 (37 days): default has steps 1 and 2 (-20); email steps 2 and 3 (12.5 -> 3.125).
SELECT lead_scoring.run_maintenance('2026-02-07');
SELECT contact_id, score, band, behavior_score FROM lead_scoring.scores ORDER BY contact_id;
-- The same as_of again, or an earlier one, changes nothing.
SELECT lead_scoring.run_maintenance('2026-02-07');
SELECT lead_scoring.run_maintenance('2026-01-20');
SELECT contact_id, kind, delta, reason, occurred_at FROM lead_scoring.ledger
 WHERE kind = 'decay' ORDER BY contact_id, entry_id;
-- Decay fires no alert (falling below MQL re-arms it); the negative balance is untouched.
SELECT contact_id, count(*) AS alerts FROM lead_scoring.alerts GROUP BY 1 ORDER BY 1;
SELECT contact_id, score FROM lead_scoring.scores WHERE contact_id = 2;

-- Far in the future: balances stop at 0 (a percentage step cuts toward zero at
-- the fourth decimal, so it gets there too), and the rows are due no more.
-- Batches of 2 rows.
SET lead_scoring.batch_size = 2;
SELECT lead_scoring.run_maintenance('2030-01-01');
RESET lead_scoring.batch_size;
SELECT contact_id, score, behavior_score FROM lead_scoring.scores ORDER BY contact_id;
SELECT contact_id, maintenance_due_at FROM lead_scoring.contact_scores ORDER BY contact_id;

-- Contact 4: a new event applies the steps due before it first, then counts anew.
-- 45 at Jan 1; at Feb 15 three steps are due (Jan 31, Feb 7, Feb 14): 45 - 30 + 45 = 60,
-- which crosses MQL (60) from 15: the crossing is judged after the decay.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'page_visit', '2026-01-01');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'page_visit', '2026-02-15');
SELECT score, last_activity_at FROM lead_scoring.scores WHERE contact_id = 4;
SELECT kind, delta, reason, occurred_at FROM lead_scoring.ledger WHERE contact_id = 4 ORDER BY entry_id;
SELECT count(*) AS mql_alerts_of_4 FROM lead_scoring.alerts WHERE contact_id = 4;
SELECT (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps, maintenance_due_at FROM lead_scoring.contact_scores WHERE contact_id = 4;
-- Maintenance at the event's own time finds nothing more to do.
SELECT lead_scoring.run_maintenance('2026-02-15');
-- The same events in one batch give the same result as one by one.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (5, 'page_visit', '2026-01-01'), (5, 'page_visit', '2026-02-15');
SELECT (SELECT score FROM lead_scoring.scores WHERE contact_id = 5) =
       (SELECT score FROM lead_scoring.scores WHERE contact_id = 4) AS batch_equals_one_by_one;

-- explain adds up with decay rows in it.
SELECT source, rule, occurred_at, points FROM lead_scoring.explain('m', 4);
SELECT contact_id, (SELECT sum(points) FROM lead_scoring.explain('m', contact_id)) = score AS explain_adds_up
  FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s ORDER BY contact_id;

-- A capped group: decay works on the balance; the cap still limits the score.
-- Contact 6 opens 3 emails (25 + 5 cut by the cap of 30 + 0 cut); 10 days after
-- the last one the email group's first step halves the balance (30 -> 15).
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (6, 'email_open', '2026-03-01'), (6, 'email_open', '2026-03-02'), (6, 'email_open', '2026-03-03');
SELECT lead_scoring.run_maintenance('2026-03-13');
SELECT delta FROM lead_scoring.ledger WHERE contact_id = 6 ORDER BY entry_id;
SELECT score FROM lead_scoring.scores WHERE contact_id = 6;
-- A new open after the step: 15 + 25 is cut to the cap, an award of 15.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (6, 'email_open', '2026-03-14');
SELECT kind, delta FROM lead_scoring.ledger WHERE contact_id = 6 ORDER BY entry_id DESC LIMIT 1;
SELECT score FROM lead_scoring.scores WHERE contact_id = 6;

-- Setting a decay policy later applies to the scores already there: every row of
-- the model is due at once, and run_maintenance works out what each owes.
INSERT INTO lead_scoring.models (name) VALUES ('later');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 8 FROM lead_scoring.models WHERE name = 'later';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (7, 'page_visit', '2026-01-01');
SELECT model, score, maintenance_due_at FROM lead_scoring.contact_scores WHERE contact_id = 7 ORDER BY model;
UPDATE lead_scoring.point_groups SET decay_after = '1 day', decay_points = 1
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'later');
SELECT model, maintenance_due_at FROM lead_scoring.contact_scores WHERE contact_id = 7 ORDER BY model;
SELECT lead_scoring.run_maintenance('2026-01-04');  -- 3 steps
SELECT model, score FROM lead_scoring.scores WHERE contact_id = 7 ORDER BY model;

-- Changing a policy keeps decaying by the new policy's formula. A row counts the
-- steps it has had since its last activity; at the change (now), the count is
-- carried over to the new policy. Contact 8 visited 20 days ago in a group losing
-- 1 point a day after 1 day: 20 steps (100 -> 80). The group changes to every 10
-- days: by then 2 steps are due under the new formula (floor((20 - 1) / 10) + 1), so
-- the row counts 2 and decays again at the 3rd (day 21) and 4th (day 31) step: 78
-- 11 days later. (The count of 20 from the old policy stalled it until day 201.)
INSERT INTO lead_scoring.models (name) VALUES ('changing');
UPDATE lead_scoring.point_groups SET decay_after = '1 day', decay_every = '1 day', decay_points = 1
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'changing');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'big visit', 'big_visit', 100 FROM lead_scoring.models WHERE name = 'changing';
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (8, 'big_visit', now() - interval '20 days');
SELECT lead_scoring.run_maintenance(now()) > 0 AS decayed;
SELECT score, (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps FROM lead_scoring.contact_scores WHERE contact_id = 8 AND model = 'changing';
UPDATE lead_scoring.point_groups SET decay_every = '10 days'
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'changing');
SELECT score, (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps FROM lead_scoring.contact_scores WHERE contact_id = 8 AND model = 'changing';
SELECT lead_scoring.run_maintenance(now() + interval '11 days') > 0 AS decayed;
SELECT score, (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps FROM lead_scoring.contact_scores WHERE contact_id = 8 AND model = 'changing';
-- Steps owed under the old policy and not applied yet stay owed: contact 9 visited
-- 20 days ago while the group decays every 10 days, so 2 steps are owed (not
-- applied yet) when the group changes to 2 points every day; the next maintenance
-- applies those 2, by the new policy: 100 - 2 x 2 = 96 (and the row counts 20).
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (9, 'big_visit', now() - interval '20 days');
UPDATE lead_scoring.point_groups SET decay_every = '1 day', decay_points = 2
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'changing');
SELECT lead_scoring.run_maintenance(now()) > 0 AS decayed;
SELECT score, (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps FROM lead_scoring.contact_scores WHERE contact_id = 9 AND model = 'changing';

-- Decay turned off and on again counts afresh from the last activity (the old
-- count must not stall the new policy): both contacts were last active 20 days ago,
-- so under "1 point every 10 days after 10 days" 2 steps are due now.
UPDATE lead_scoring.point_groups SET decay_after = NULL, decay_every = NULL, decay_points = NULL
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'changing');
UPDATE lead_scoring.point_groups SET decay_after = '10 days', decay_every = '10 days', decay_points = 1
 WHERE model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'changing');
SELECT contact_id, score, (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps FROM lead_scoring.contact_scores WHERE model = 'changing' ORDER BY contact_id;
SELECT lead_scoring.run_maintenance(now()) > 0 AS decayed;
SELECT contact_id, score, (SELECT array_agg(u.decay_steps) FROM lead_scoring.state_groups(state) u) AS group_decay_steps FROM lead_scoring.contact_scores WHERE model = 'changing' ORDER BY contact_id;

-- Bad calls.
SELECT lead_scoring.run_maintenance(NULL);
SELECT lead_scoring.run_maintenance('infinity');
SET lead_scoring.batch_size = 0;
