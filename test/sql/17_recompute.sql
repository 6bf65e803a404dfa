-- recompute(model, contact_id): rebuilds scores and the model's ledger from the
-- history under the current rules; for events that arrived in time order it gives
-- what live scoring gave.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, max_score) VALUES ('m', 150);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points)
SELECT model_id, 'email', 30 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 60 FROM lead_scoring.models;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'ceo', '$.title == "CEO"', 20 FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points, max_awards, cooldown, properties_match)
SELECT g.model_id, g.group_id, r.name, r.event_type, r.points, r.max_awards, r.cooldown::interval, r.pm::jsonb
  FROM (VALUES ('visit', 'default', 'page_visit', 10, NULL, NULL, NULL),
               ('pricing', 'default', 'page_visit', 25, 1, NULL, '{"page": "pricing"}'),
               ('open', 'email', 'email_open', 12, NULL, '1 day', NULL),
               ('complaint', 'default', 'complaint', -15, NULL, NULL, NULL))
       AS r(name, point_group, event_type, points, max_awards, cooldown, pm)
  JOIN lead_scoring.point_groups g ON g.name = r.point_group;

INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"title": "CEO"}'), (2, '{}'), (3, '{}');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (1, 'page_visit', '2026-01-01 10:00', '{"page": "pricing"}'),
    (1, 'page_visit', '2026-01-01 11:00', '{"page": "pricing"}'),
    (1, 'email_open', '2026-01-01 12:00', '{}'),
    (1, 'email_open', '2026-01-01 13:00', '{}'),
    (1, 'email_open', '2026-01-02 13:00', '{}'),
    (1, 'email_open', '2026-01-03 13:00', '{}'),
    (2, 'page_visit', '2026-01-01 10:00', '{}'),
    (2, 'complaint', '2026-01-02 10:00', '{}');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (3, 'page_visit', '2026-01-05');
SELECT lead_scoring.adjust('m', 2, 40, 'call with sales');
SELECT lead_scoring.reset('m', 3, 'new stage');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (3, 'page_visit', now() + interval '1 hour');

CREATE TEMP TABLE live_scores AS
SELECT contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at FROM lead_scoring.scores;
CREATE TEMP TABLE live_groups AS
SELECT point_group, contact_id, score FROM lead_scoring.group_scores;
CREATE TEMP TABLE live_ledger AS
SELECT contact_id, group_id, kind, delta, rule_id, event_id, occurred_at, reason, actor, created_at, entry_id
  FROM lead_scoring.ledger;
CREATE TEMP TABLE live_alerts AS SELECT alert_id FROM lead_scoring.alerts;
CREATE TEMP TABLE live_versions AS SELECT contact_id, xmin::text AS version FROM lead_scoring.contact_scores;
SELECT contact_id, score, fit_score, behavior_score FROM live_scores ORDER BY contact_id;

-- Same rules: the same scores, group scores and ledger, no new alert. Rows it would
-- write identically are kept as they are: nothing is rewritten.
SELECT lead_scoring.recompute('m');
SELECT count(*) AS differing_scores FROM (
    (SELECT contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at FROM lead_scoring.scores
     EXCEPT SELECT * FROM live_scores)
    UNION ALL
    (SELECT * FROM live_scores
     EXCEPT SELECT contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at FROM lead_scoring.scores)) d;
SELECT count(*) AS differing_groups FROM (
    (SELECT point_group, contact_id, score FROM lead_scoring.group_scores EXCEPT SELECT * FROM live_groups)
    UNION ALL (SELECT * FROM live_groups EXCEPT SELECT point_group, contact_id, score FROM lead_scoring.group_scores)) d;
SELECT count(*) AS differing_ledger_rows FROM (
    (SELECT contact_id, group_id, kind, delta, rule_id, event_id, occurred_at, reason, actor,
            created_at, entry_id FROM lead_scoring.ledger
     EXCEPT SELECT * FROM live_ledger)
    UNION ALL
    (SELECT * FROM live_ledger
     EXCEPT SELECT contact_id, group_id, kind, delta, rule_id, event_id, occurred_at, reason, actor,
            created_at, entry_id FROM lead_scoring.ledger)) d;
SELECT (SELECT count(*) FROM lead_scoring.ledger) = (SELECT count(*) FROM live_ledger) AS same_ledger_size;
SELECT count(*) AS new_alerts FROM lead_scoring.alerts WHERE alert_id NOT IN (SELECT alert_id FROM live_alerts);
-- Nor are score rows that come out as they were: no row has a new version.
SELECT count(*) AS score_rows_written FROM lead_scoring.contact_scores s
  JOIN live_versions v USING (contact_id) WHERE s.xmin::text <> v.version;

-- A rule change: visits are now worth 30. Contact 2 (10 - 15 + 40 = 35) gets
-- 30 - 15 + 40 = 55; contact 3's first visit was reset, the one after counts 30.
UPDATE lead_scoring.event_rules SET points = 30 WHERE name = 'visit';
SELECT lead_scoring.recompute('m', 2);  -- one contact
SELECT contact_id, score FROM lead_scoring.scores ORDER BY contact_id;
-- Only the visit's row was replaced; the complaint and the adjustment rows stay.
SELECT kind, delta, reason FROM lead_scoring.ledger
 WHERE contact_id = 2 AND entry_id NOT IN (SELECT entry_id FROM live_ledger);
SELECT count(*) AS rows_of_2_kept FROM lead_scoring.ledger
 WHERE contact_id = 2 AND entry_id IN (SELECT entry_id FROM live_ledger);
SELECT lead_scoring.recompute('m', 3, NULL);  -- a range: contacts 3 and up
SELECT contact_id, score FROM lead_scoring.scores ORDER BY contact_id;
SELECT contact_id, kind, delta, reason FROM lead_scoring.ledger WHERE contact_id = 3 ORDER BY kind, delta;
-- Every balance is still the sum of its ledger rows, and explain adds up to the score.
SELECT count(*) AS balances_not_matching_ledger
  FROM lead_scoring.contact_scores s, lead_scoring.state_groups(s.state) g
 WHERE g.behavior_score <> coalesce((SELECT sum(delta) FROM lead_scoring.ledger l
                          WHERE l.contact_id = s.contact_id AND l.group_id = g.group_id), 0);
SELECT contact_id, score = (SELECT sum(points) FROM lead_scoring.explain('m', contact_id)) AS explain_adds_up
  FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s ORDER BY contact_id;

-- A crossing judged against the old score: contact 2 goes from 55 to 75 (MQL at 60).
UPDATE lead_scoring.event_rules SET points = 50 WHERE name = 'visit';
SELECT lead_scoring.recompute('m');
SELECT contact_id, score FROM lead_scoring.alerts
 WHERE alert_id NOT IN (SELECT alert_id FROM live_alerts) ORDER BY alert_id;
-- Running it again changes nothing and fires nothing.
SELECT lead_scoring.recompute('m');
SELECT count(*) AS alerts FROM lead_scoring.alerts WHERE alert_id NOT IN (SELECT alert_id FROM live_alerts);

-- A contact without events or score row yet gets its fit.
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (4, '{"title": "CEO"}');
SET session_replication_role = replica;  -- (deleting a score row alone is refused otherwise)
DELETE FROM lead_scoring.contact_scores WHERE contact_id = 4;
RESET session_replication_role;
SELECT lead_scoring.recompute('m', 4);
SELECT contact_id, score, fit_score FROM lead_scoring.scores WHERE contact_id = 4;
-- Unknown contacts rebuild nothing.
SELECT lead_scoring.recompute('m', 999);

-- Events that arrived out of time order: live scoring judged each one against what
-- had arrived before it; recompute replays them in time order. Opens (cooldown 1
-- day) of contact 5 arrive as Jan 10 12:00, then Jan 10 00:00 (late), then Jan 11
-- 06:00. Live: 12:00 awarded, the late one within a day of it, Jan 11 06:00 only
-- 18 hours on: 12. In time order: Jan 10 00:00 awarded, 12:00 in the cooldown,
-- Jan 11 06:00 (30 hours on) awarded: 24.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (5, 'email_open', '2026-01-10 12:00');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (5, 'email_open', '2026-01-10 00:00');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES (5, 'email_open', '2026-01-11 06:00');
SELECT score AS live_score FROM lead_scoring.scores WHERE contact_id = 5;
SELECT lead_scoring.recompute('m', 5);
SELECT score FROM lead_scoring.scores WHERE contact_id = 5;
SELECT l.delta, e.occurred_at FROM lead_scoring.ledger l JOIN lead_scoring.events e USING (contact_id, event_id)
 WHERE l.contact_id = 5 ORDER BY e.occurred_at;

-- Bad input.
SELECT lead_scoring.recompute('nope');
SELECT lead_scoring.recompute(NULL);
-- Only the admin role may recompute.
SET ROLE lead_scoring_writer;
SELECT lead_scoring.recompute('m');
RESET ROLE;
-- The ledger stays append-only for everyone else.
DELETE FROM lead_scoring.ledger WHERE contact_id = 1;

-- Recompute replaces ledger rows through the guard's own opening, not by turning
-- triggers off (0.1 set session_replication_role = replica): a user's own trigger
-- on the ledger sees every row recompute deletes and inserts.
CREATE TABLE ledger_audit (op text, n bigint);
CREATE FUNCTION audit_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.ledger_audit SELECT TG_OP, count(*) FROM changed;
    RETURN NULL;
END $$;
CREATE TRIGGER audit_deletes AFTER DELETE ON lead_scoring.ledger REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION audit_ledger();
CREATE TRIGGER audit_inserts AFTER INSERT ON lead_scoring.ledger REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION audit_ledger();
UPDATE lead_scoring.event_rules SET points = points + 1;
SELECT lead_scoring.recompute('m') > 0 AS recomputed;
SELECT op, sum(n) > 0 AS seen FROM ledger_audit GROUP BY op ORDER BY op;
DROP TRIGGER audit_deletes ON lead_scoring.ledger;
DROP TRIGGER audit_inserts ON lead_scoring.ledger;
