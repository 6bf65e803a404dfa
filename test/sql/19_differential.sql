-- Differential test: for random models (filters, conditions, limits, cooldowns,
-- caps, clamps, negative and fractional points, decay, windows, fit, combination
-- and absence rules) and random
-- events that arrive in time order, inserted live one by one and in batches, with
-- changes of contacts' attributes between them (dated when they happen, so fit
-- groups under a cap cut the awards differently before and after), then
-- adjustments and resets, then maintenance: recompute must give exactly what live
-- scoring gave, contact by contact and group by group, with the same ledger totals
-- per contact, group and kind, and fire no alert. Several seeds.
SET client_min_messages = error;  -- (on Citus, a warning that the test's pg_temp functions stay local)

CREATE FUNCTION pg_temp.pick(a anyarray) RETURNS anyelement LANGUAGE sql AS
$$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

-- Builds a random model named `name` and returns nothing; random() is seeded by the caller.
CREATE FUNCTION pg_temp.random_model(name text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m integer;
    g integer;
    c bigint;
    groups integer[];
BEGIN
    INSERT INTO lead_scoring.models (name, min_score, max_score)
    VALUES (name, pg_temp.pick(ARRAY[NULL, -10, 0]::numeric[]), pg_temp.pick(ARRAY[NULL, 80, 150]::numeric[]))
    RETURNING model_id INTO m;
    -- The default group: maybe capped; decaying by points, by percent, or not at all.
    UPDATE lead_scoring.point_groups
       SET max_points = pg_temp.pick(ARRAY[NULL, 40, 60]::numeric[]) WHERE model_id = m;
    CASE floor(random() * 3)::int
        WHEN 0 THEN UPDATE lead_scoring.point_groups
                       SET decay_after = '10 days', decay_every = '4 days', decay_points = 3 WHERE model_id = m;
        WHEN 1 THEN UPDATE lead_scoring.point_groups
                       SET decay_after = '10 days', decay_every = '4 days', decay_percent = 25 WHERE model_id = m;
        ELSE NULL;
    END CASE;
    -- A windowed group and a side group that does not count toward the total.
    INSERT INTO lead_scoring.point_groups (model_id, name, max_points, window_size)
    VALUES (m, 'recent', pg_temp.pick(ARRAY[NULL, 30]::numeric[]), pg_temp.pick(ARRAY['7 days', '20 days']::interval[]));
    INSERT INTO lead_scoring.point_groups (model_id, name, counts_toward_total) VALUES (m, 'side', false);
    SELECT array_agg(group_id ORDER BY group_id) INTO groups FROM lead_scoring.point_groups WHERE model_id = m;
    FOR i IN 1..10 LOOP
        INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, points, properties_match,
                                              condition, max_awards, cooldown)
        VALUES (m, pg_temp.pick(groups), 'r' || i, pg_temp.pick(ARRAY['a', 'b', 'c', 'd']),
                pg_temp.pick(ARRAY[-7, -2.5, 3, 5, 10, 12.25, 20, 35]::numeric[]),
                CASE WHEN random() < 0.3 THEN jsonb_build_object('k', pg_temp.pick(ARRAY['x', 'y'])) END,
                CASE WHEN random() < 0.3 THEN pg_temp.pick(ARRAY['$.n > 5', '$.n <= 2'])::jsonpath END,
                CASE WHEN random() < 0.3 THEN 1 + floor(random() * 3)::int END,
                CASE WHEN random() < 0.3 THEN pg_temp.pick(ARRAY['1 hour', '1 day', '3 days']::interval[]) END);
    END LOOP;
    INSERT INTO lead_scoring.attribute_rules (model_id, group_id, name, condition, points, required)
    VALUES (m, pg_temp.pick(groups), 'big', '$.size > 100', pg_temp.pick(ARRAY[5, 15, 25]::numeric[]), false),
           (m, NULL, 'emea', '$.region == "emea"', 10, random() < 0.3);
    -- Combination rules (not into the windowed group: refused), correlated by k or
    -- not at all, with facts of the event types and tiers of random subsets.
    FOR i IN 1..2 LOOP
        INSERT INTO lead_scoring.combination_rules (model_id, group_id, name, correlate_by)
        VALUES (m, pg_temp.pick(ARRAY[groups[1], groups[3]]), 'combo' || i, pg_temp.pick(ARRAY[NULL, 'k']))
        RETURNING rule_id INTO c;
        INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type, properties_match, condition)
        SELECT c, 'f' || j, pg_temp.pick(ARRAY['a', 'b', 'c', 'd']),
               CASE WHEN random() < 0.3 THEN jsonb_build_object('k', pg_temp.pick(ARRAY['x', 'y'])) END,
               CASE WHEN random() < 0.3 THEN '$.n > 3'::jsonpath END
          FROM generate_series(1, 3) j;
        INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points)
        SELECT c, t.facts, pg_temp.pick(ARRAY[4, 7.5, 15, 30]::numeric[])
          FROM (VALUES ('{f1}'::text[]), ('{f1,f2}'), ('{f2,f3}'), ('{f1,f2,f3}')) t(facts)
         WHERE random() < 0.7;
    END LOOP;
    -- Absence rules: an anchor and an expected event type (correlated by k or not),
    -- deadlines from the anchor's time, some from a property of it.
    INSERT INTO lead_scoring.absence_rules (model_id, group_id, name, anchor_event_type, expected_event_type,
                                            correlate_by, deadline_property, deadline_after, points)
    SELECT m, pg_temp.pick(ARRAY[groups[1], groups[3]]), 'absence' || i, t.anchor, t.expected,
           pg_temp.pick(ARRAY[NULL, 'k']), CASE WHEN random() < 0.3 THEN 'due' END,
           pg_temp.pick(ARRAY['0', '2 days', '6 days']::interval[]), pg_temp.pick(ARRAY[-12, -5.5, 8]::numeric[])
      FROM generate_series(1, 2) i,
           LATERAL (SELECT pg_temp.pick(ARRAY['a', 'b', 'c', 'd']) AS anchor,
                           pg_temp.pick(ARRAY['a', 'b', 'c', 'd']) AS expected) t
     WHERE t.anchor <> t.expected;
    INSERT INTO lead_scoring.thresholds (model_id, name, min_score) VALUES (m, 'mql', 40);
    INSERT INTO lead_scoring.thresholds (model_id, group_id, name, min_score) VALUES (m, groups[2], 'recent', 15);
    -- Bands and conversions, for band_summary's counts.
    INSERT INTO lead_scoring.bands (model_id, name, min_score) VALUES (m, 'cold', 0), (m, 'warm', 20), (m, 'hot', 50);
    UPDATE lead_scoring.models SET conversion_event_type = 'e' WHERE model_id = m;
END $$;

-- band_summary's counts against a count of the score rows: the (model, band)
-- pairs that differ (contacts, converted or days to conversion).
CREATE FUNCTION pg_temp.band_count_errors() RETURNS bigint LANGUAGE sql AS $$
    WITH kept AS (
        SELECT model_id, band, sum(contacts) AS c, sum(converted) AS v, sum(days_us) AS d
          FROM lead_scoring.band_counts GROUP BY 1, 2 HAVING sum(contacts) <> 0 OR sum(converted) <> 0 OR sum(days_us) <> 0
    ), counted AS (
        SELECT s.model_id, coalesce(lead_scoring.band_of(s.model_id, s.score), '') AS band, count(*) AS c,
               count(s.converted_at) AS v,
               coalesce(sum((EXTRACT(epoch FROM s.converted_at - s.first_event_at) * 1000000)::numeric), 0) AS d
          FROM lead_scoring.contact_scores s GROUP BY 1, 2
    )
    SELECT count(*) FROM ((TABLE kept EXCEPT TABLE counted) UNION ALL (TABLE counted EXCEPT TABLE kept)) x;
$$;

-- One seed: fresh extension, two random models, contacts, live events, operator
-- entries, maintenance; then recompute each model and compare.
CREATE FUNCTION pg_temp.differential(seed double precision)
RETURNS TABLE (contacts bigint, events bigint, attribute_changes bigint, ledger_rows bigint, kinds text, differing_scores bigint,
               differing_groups bigint, differing_ledger_totals bigint, new_alerts bigint, band_count_errors bigint)
LANGUAGE plpgsql AS $$
DECLARE
    n_events integer;
    changed bigint;
    i integer := 1;
    chunk integer;
BEGIN
    DROP EXTENSION IF EXISTS lead_scoring CASCADE;
    CREATE EXTENSION lead_scoring;
    PERFORM setseed(seed);
    PERFORM pg_temp.random_model('m1');
    PERFORM pg_temp.random_model('m2');
    -- (dated before the first event, as the changes below are dated when they happen)
    INSERT INTO lead_scoring.contacts (contact_id, attributes, updated_at)
    SELECT c, jsonb_build_object('size', floor(random() * 200)::int, 'region', pg_temp.pick(ARRAY['emea', 'amer'])),
           timestamptz '2025-12-31'
      FROM generate_series(1, 25) c;

    -- Events in time order (strictly increasing occurred_at, so event ids follow it).
    DROP TABLE IF EXISTS pg_temp.planned;
    CREATE TEMP TABLE planned AS
    SELECT s AS seq, 1 + floor(random() * 30)::bigint AS contact_id, pg_temp.pick(ARRAY['a', 'b', 'c', 'd', 'e']) AS event_type,
           timestamptz '2026-01-01' + s * interval '97 minutes' + floor(random() * 90) * interval '1 minute' AS occurred_at,
           jsonb_build_object('k', pg_temp.pick(ARRAY['x', 'y', 'z']), 'n', floor(random() * 10)::int)
           -- a time an absence rule's deadline_property may name
           || CASE WHEN random() < 0.5 THEN jsonb_build_object('due', (timestamptz '2026-01-01' + s * interval '97 minutes'
                                                                       + random() * interval '5 days')::text)
                   ELSE '{}' END AS properties
      FROM generate_series(1, 400) s;
    n_events := 400;
    WHILE i <= n_events LOOP
        chunk := pg_temp.pick(ARRAY[1, 1, 1, 2, 5, 17, 40]);
        IF chunk = 1 THEN
            INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
            SELECT p.contact_id, p.event_type, p.occurred_at, p.properties FROM planned p WHERE p.seq = i;
        ELSE
            INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
            SELECT p.contact_id, p.event_type, p.occurred_at, p.properties FROM planned p
             WHERE p.seq BETWEEN i AND i + chunk - 1 ORDER BY p.seq;
        END IF;
        i := i + chunk;
        -- Now and then a contact's attributes change, dated just after the last event
        -- inserted (before the next one: events are at least 7 minutes apart).
        IF random() < 0.3 THEN
            changed := 1 + floor(random() * 25)::bigint;
            UPDATE lead_scoring.contacts
               SET attributes = jsonb_build_object('size', floor(random() * 200)::int,
                                                   'region', pg_temp.pick(ARRAY['emea', 'amer'])),
                   updated_at = (SELECT p.occurred_at + interval '1 minute' FROM planned p
                                  WHERE p.seq = least(i, n_events + 1) - 1)
             WHERE contact_id = changed;
        END IF;
    END LOOP;
    -- Operator entries come after the history (they are made now).
    PERFORM lead_scoring.adjust('m1', c, pg_temp.pick(ARRAY[-15, 8, 30]::numeric[]), 'call')
       FROM generate_series(1, 30, 4) c;
    PERFORM lead_scoring.reset('m2', c, 'stage', pg_temp.pick(ARRAY[NULL, 'recent']))
       FROM generate_series(2, 30, 5) c;
    PERFORM lead_scoring.adjust('m2', c, 12.5, 'bonus', 'side') FROM generate_series(3, 30, 6) c;
    PERFORM lead_scoring.run_maintenance();

    CREATE TEMP TABLE live_scores AS SELECT * FROM lead_scoring.scores;
    CREATE TEMP TABLE live_groups AS SELECT * FROM lead_scoring.group_scores;
    CREATE TEMP TABLE live_totals AS
        SELECT l.model_id, l.contact_id, l.group_id, l.kind, sum(l.delta) AS total, count(*) AS n
          FROM lead_scoring.ledger l GROUP BY 1, 2, 3, 4;
    CREATE TEMP TABLE live_alerts AS SELECT alert_id FROM lead_scoring.alerts;

    band_count_errors := pg_temp.band_count_errors();
    PERFORM lead_scoring.recompute('m1');
    PERFORM lead_scoring.recompute('m2');
    band_count_errors := band_count_errors + pg_temp.band_count_errors();

    contacts := (SELECT count(DISTINCT s.contact_id) FROM lead_scoring.scores s);
    events := (SELECT count(*) FROM lead_scoring.events);
    attribute_changes := (SELECT count(*) FROM lead_scoring.contact_attribute_history) - 25;
    ledger_rows := (SELECT count(*) FROM lead_scoring.ledger);
    kinds := (SELECT string_agg(DISTINCT l.kind, ',' ORDER BY l.kind) FROM lead_scoring.ledger l);
    differing_scores := (SELECT count(*) FROM (
        (SELECT model, contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at
           FROM lead_scoring.scores
         EXCEPT SELECT model, contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at
           FROM live_scores)
        UNION ALL
        (SELECT model, contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at FROM live_scores
         EXCEPT SELECT model, contact_id, score, fit_score, behavior_score, band, qualified, last_activity_at
           FROM lead_scoring.scores)) d);
    differing_groups := (SELECT count(*) FROM (
        (SELECT model, point_group, contact_id, score, fit_score, behavior_score FROM lead_scoring.group_scores
         EXCEPT SELECT model, point_group, contact_id, score, fit_score, behavior_score FROM live_groups)
        UNION ALL
        (SELECT model, point_group, contact_id, score, fit_score, behavior_score FROM live_groups
         EXCEPT SELECT model, point_group, contact_id, score, fit_score, behavior_score FROM lead_scoring.group_scores)) d);
    differing_ledger_totals := (SELECT count(*) FROM (
        (SELECT l.model_id, l.contact_id, l.group_id, l.kind, sum(l.delta), count(*)
           FROM lead_scoring.ledger l GROUP BY 1, 2, 3, 4
         EXCEPT SELECT * FROM live_totals)
        UNION ALL
        (SELECT * FROM live_totals
         EXCEPT SELECT l.model_id, l.contact_id, l.group_id, l.kind, sum(l.delta), count(*)
           FROM lead_scoring.ledger l GROUP BY 1, 2, 3, 4)) d);
    new_alerts := (SELECT count(*) FROM lead_scoring.alerts a WHERE a.alert_id NOT IN (SELECT alert_id FROM live_alerts));
    DROP TABLE live_scores, live_groups, live_totals, live_alerts;
    -- The counts follow the other writers too: an erasure, band and cap edits, a
    -- conversion type change, maintenance later on, a new contact.
    PERFORM lead_scoring.forget_contact(3);
    UPDATE lead_scoring.bands SET min_score = 25 WHERE name = 'warm' AND model_id = (SELECT model_id FROM lead_scoring.models WHERE name = 'm1');
    UPDATE lead_scoring.models SET max_score = 45 WHERE name = 'm1';
    UPDATE lead_scoring.models SET conversion_event_type = 'd' WHERE name = 'm2';
    PERFORM lead_scoring.run_maintenance(now() + interval '60 days');
    INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (900, 'e'), (900, 'a');
    band_count_errors := band_count_errors + pg_temp.band_count_errors();
    RETURN NEXT;
END $$;

SELECT s.seed, d.* FROM unnest(ARRAY[0.11, 0.23, 0.37, 0.42, 0.58, 0.61, 0.79, 0.93]) s(seed),
       LATERAL pg_temp.differential(s.seed) d;
