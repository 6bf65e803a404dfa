-- Sliding windows: with window_size, an award counts only while
-- as_of - occurred_at < window_size; run_maintenance (or the contact's next event)
-- takes expired awards back with ledger rows of kind expiry.
\i test/fresh.sql
-- Days are 24 hours (README); in UTC the calendar agrees, so that boundaries below
-- fall exactly where the comments say (the regress default, PST8PDT, moves them by
-- an hour across the March DST change).
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name) VALUES ('m');
INSERT INTO lead_scoring.point_groups (model_id, name, window_size)
SELECT model_id, 'recent', '90 days' FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, window_size, max_points)
SELECT model_id, 'capped', '30 days', 10 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'engaged', 20 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points
  FROM (VALUES ('visit', 'recent', 'page_visit', 10), ('unsubscribe', 'recent', 'unsubscribe', -5),
               ('open', 'capped', 'email_open', 6), ('demo', 'default', 'demo', 3))
       AS r(name, point_group, event_type, points)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;

INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (1, 'page_visit', '2026-01-01'), (1, 'demo', '2026-01-01'),
    (1, 'page_visit', '2026-02-01'), (1, 'unsubscribe', '2026-02-15');
SELECT score FROM lead_scoring.scores WHERE contact_id = 1;  -- 10 + 3 + 10 - 5
-- The first visit counts while less than 90 days old: not at 2026-04-01 (exactly 90 days).
SELECT lead_scoring.run_maintenance('2026-03-31 23:59');
SELECT lead_scoring.run_maintenance('2026-04-01');
SELECT lead_scoring.run_maintenance('2026-04-01');  -- nothing twice
SELECT score FROM lead_scoring.scores WHERE contact_id = 1;
-- At 2026-05-16 the second visit (out since May 2) and the negative award (exactly
-- 90 days old) have both expired: 8 - 10 + 5 = 3.
SELECT lead_scoring.run_maintenance('2026-05-16');
SELECT score FROM lead_scoring.scores WHERE contact_id = 1;
SELECT kind, rule, points_delta, event_id, occurred_at FROM (
    SELECT l.kind, r.name AS rule, l.delta AS points_delta, l.event_id, l.occurred_at, l.entry_id
      FROM lead_scoring.ledger l LEFT JOIN lead_scoring.event_rules r USING (rule_id)
     WHERE l.contact_id = 1) x ORDER BY entry_id;
SELECT count(*) AS alerts_of_1 FROM lead_scoring.alerts WHERE contact_id = 1;
-- Every award and expiry is in explain, and it adds up.
SELECT source, rule, points FROM lead_scoring.explain('m', 1);
SELECT sum(points) AS explained FROM lead_scoring.explain('m', 1) \gset
SELECT :explained = score AS explain_adds_up FROM lead_scoring.scores WHERE contact_id = 1;

-- An event first expires what is out of its window, then awards: contact 2 has 20
-- in the window ('engaged' fires), and a visit 100 days later leaves 10.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (2, 'page_visit', '2026-01-01'), (2, 'page_visit', '2026-01-02');
SELECT count(*) AS engaged_alerts_of_2 FROM lead_scoring.alerts WHERE contact_id = 2;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (2, 'page_visit', '2026-04-12');
SELECT score FROM lead_scoring.scores WHERE contact_id = 2;
SELECT kind, delta, occurred_at FROM lead_scoring.ledger WHERE contact_id = 2 ORDER BY entry_id;
-- ... and two more visits cross 'engaged' again (it was re-armed by the expiry).
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (2, 'page_visit', '2026-04-13');
SELECT count(*) AS engaged_alerts_of_2 FROM lead_scoring.alerts WHERE contact_id = 2;

-- Caps: awards cut by the cap expire with what they actually added.
-- 6 + 4 (cut) + 0 (cut) in the 30-day window of 'capped'.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (3, 'email_open', '2026-01-01'), (3, 'email_open', '2026-01-10'), (3, 'email_open', '2026-01-20');
SELECT coalesce((SELECT array_agg(w.points * 10000 ORDER BY w.occurred_at) FROM lead_scoring.window_awards w WHERE w.contact_id = s.contact_id AND w.model_id = s.model_id), '{}') AS window_units FROM lead_scoring.contact_scores s WHERE contact_id = 3;
SELECT lead_scoring.run_maintenance('2026-02-09');  -- the first two have expired
SELECT score FROM lead_scoring.scores WHERE contact_id = 3;

-- A reset wipes the window's awards: nothing is left to expire later.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (4, 'page_visit', '2026-01-01');
SELECT lead_scoring.reset('m', 4, 'new owner', 'recent');
SELECT coalesce((SELECT array_agg(w.points * 10000 ORDER BY w.occurred_at) FROM lead_scoring.window_awards w WHERE w.contact_id = s.contact_id AND w.model_id = s.model_id), '{}') AS window_units, maintenance_due_at FROM lead_scoring.contact_scores s WHERE contact_id = 4;
SELECT lead_scoring.run_maintenance('2027-01-01') > 0 AS others_expired;
SELECT score FROM lead_scoring.scores WHERE contact_id = 4;

-- Events that arrive out of order expire by their own occurred_at.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (5, 'page_visit', '2026-03-01');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (5, 'page_visit', '2026-01-15');
SELECT lead_scoring.run_maintenance('2026-04-20');  -- only the January visit is 90 days old
SELECT score FROM lead_scoring.scores WHERE contact_id = 5;

-- The unexpired awards are rows of lead_scoring.window_awards, one each, beside the
-- score rows: expiry above deleted the expired ones (contact 5 keeps its March
-- visit), an event dated in the future adds one, recompute rebuilds exactly them,
-- and forget_contact erases them.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (6, 'page_visit', '2026-05-01'), (6, 'email_open', '2026-05-02'), (6, 'page_visit', '2026-05-03');
SELECT contact_id, occurred_at, points FROM lead_scoring.window_awards ORDER BY contact_id, occurred_at;
-- A later event of contact 6 first expires what is due by its time (both May visits
-- and the open): the ledger shows the expiries before the new award.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (6, 'page_visit', '2026-08-15');
SELECT kind, delta, occurred_at FROM lead_scoring.ledger WHERE contact_id = 6 ORDER BY entry_id;
SELECT occurred_at, points FROM lead_scoring.window_awards WHERE contact_id = 6;
-- Recompute rebuilds exactly the awards live scoring keeps (after maintenance up
-- to now, which recompute also applies): contact 7's visits are days old.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (7, 'page_visit', now() - interval '20 days'), (7, 'email_open', now() - interval '10 days'),
    (7, 'page_visit', now() - interval '1 day');
SELECT lead_scoring.run_maintenance(now()) >= 0 AS maintained;
SELECT contact_id, count(*) FROM lead_scoring.window_awards GROUP BY contact_id ORDER BY contact_id;
CREATE TEMP TABLE awards_before AS SELECT * FROM lead_scoring.window_awards;
SELECT lead_scoring.recompute('m') > 0 AS recomputed;
SELECT (SELECT count(*) FROM (SELECT * FROM awards_before EXCEPT SELECT * FROM lead_scoring.window_awards) a)
     + (SELECT count(*) FROM (SELECT * FROM lead_scoring.window_awards EXCEPT SELECT * FROM awards_before) b)
       AS awards_recompute_changed;
SELECT rows FROM lead_scoring.forget_contact(7) WHERE relation = 'window_awards';
SELECT count(*) AS awards_of_7_left FROM lead_scoring.window_awards WHERE contact_id = 7;
