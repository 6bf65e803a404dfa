-- Combination rules (SPEC "Combination rules"): the seed's webinar reactions, in
-- every order, one row at a time and in batches, per webinar; caps, thresholds,
-- explain, recompute, evaluate, erasure; bad definitions refused when written.
\i test/fresh.sql
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('webinars', 'purchase');
INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by)
SELECT model_id, 'webinar reactions', 'webinar_id' FROM lead_scoring.models;
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type, properties_match, condition)
SELECT rule_id, f.fact, f.event_type, f.match::jsonb, f.condition::jsonpath
  FROM lead_scoring.combination_rules,
       (VALUES ('attended', 'webinar', '{"action": "attended"}', NULL),
               ('asked', 'webinar', '{"action": "question"}', '$.text != ""'),
               ('downloaded', 'download', NULL, '$.asset like_regex "^ebook"')) f(fact, event_type, match, condition);
-- The seed table: attended +10, attended + asked +20, attended + downloaded +20,
-- attended + asked + downloaded +35 (asking or downloading alone: nothing).
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points)
SELECT rule_id, t.facts::text[], t.points
  FROM lead_scoring.combination_rules,
       (VALUES ('{attended}', 10), ('{attended,asked}', 20), ('{attended,downloaded}', 20),
               ('{attended,asked,downloaded}', 35)) t(facts, points);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 30 FROM lead_scoring.models;

-- The reactions, as events of webinar 1 (e: the order they arrive in).
CREATE TEMP TABLE reaction (r text, e int, event_type text, properties jsonb);
INSERT INTO reaction VALUES
    ('attended', 1, 'webinar', '{"webinar_id": 1, "action": "attended"}'),
    ('asked', 1, 'webinar', '{"webinar_id": 1, "action": "question", "text": "price?"}'),
    ('downloaded', 1, 'download', '{"webinar_id": 1, "asset": "ebook-2026"}');
-- Contacts 1-6: each reaction of the table and the orders of all three, one row per
-- statement; contacts 11-16 the same in one batch; contacts 21-26 reversed in a batch.
CREATE TEMP TABLE plan (contact_id bigint, reactions text[]);
INSERT INTO plan VALUES
    (1, '{attended}'), (2, '{attended,asked}'), (3, '{asked,attended}'), (4, '{downloaded,attended}'),
    (5, '{attended,asked,downloaded}'), (6, '{downloaded,asked,attended}'), (7, '{asked,downloaded}'),
    (8, '{asked,downloaded,attended}'), (9, '{asked,attended,downloaded}');
DO $$
DECLARE
    p record;
    i int;
BEGIN
    FOR p IN SELECT * FROM plan ORDER BY contact_id LOOP
        FOR i IN 1 .. cardinality(p.reactions) LOOP
            INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
            SELECT p.contact_id, r.event_type, '2026-03-01'::timestamptz + i * interval '1 minute', r.properties
              FROM reaction r WHERE r.r = p.reactions[i];
        END LOOP;
    END LOOP;
END $$;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT p.contact_id + 10, r.event_type, '2026-03-01'::timestamptz + i * interval '1 minute', r.properties
  FROM plan p, unnest(p.reactions) WITH ORDINALITY u(reaction, i) JOIN reaction r ON r.r = u.reaction
 ORDER BY p.contact_id, i;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT p.contact_id + 20, r.event_type, '2026-03-01'::timestamptz + i * interval '1 minute', r.properties
  FROM plan p, unnest(p.reactions) WITH ORDINALITY u(reaction, i) JOIN reaction r ON r.r = u.reaction
 ORDER BY p.contact_id, i DESC;
SELECT p.contact_id, p.reactions, s1.score AS one_by_one, s2.score AS batch, s3.score AS batch_reversed
  FROM plan p
  LEFT JOIN lead_scoring.scores s1 ON s1.contact_id = p.contact_id
  LEFT JOIN lead_scoring.scores s2 ON s2.contact_id = p.contact_id + 10
  LEFT JOIN lead_scoring.scores s3 ON s3.contact_id = p.contact_id + 20
 ORDER BY p.contact_id;
-- Only rises are awarded: contact 9 (asked, attended, downloaded) got 20 then 15.
SELECT contact_id, kind, delta, event_id IS NOT NULL AS has_event FROM lead_scoring.ledger
 WHERE contact_id IN (7, 9) ORDER BY entry_id;
-- The MQL threshold (30) fired once for each contact that reached 35.
SELECT contact_id, score FROM lead_scoring.alerts ORDER BY contact_id;
-- explain names the rule and the event of each top-up, and adds up.
SELECT point_group, source, rule, points FROM lead_scoring.explain('webinars', 9);
SELECT count(*) AS explain_mismatches FROM (SELECT * FROM lead_scoring.scores OFFSET 0) s
 WHERE s.score <> (SELECT coalesce(sum(points), 0) FROM lead_scoring.explain('webinars', s.contact_id));
SELECT contact_id, correlation, facts, points FROM lead_scoring.combination_sets WHERE contact_id IN (1, 7, 9)
 ORDER BY contact_id;

-- Another webinar is another set; an event without webinar_id shows no fact.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties) VALUES
    (1, 'webinar', '2026-03-02', '{"webinar_id": "2", "action": "attended"}'),
    (1, 'webinar', '2026-03-02', '{"action": "question", "text": "no webinar"}'),
    (1, 'webinar', '2026-03-02', '{"webinar_id": null, "action": "question", "text": "null webinar"}'),
    (1, 'webinar', '2026-03-03', '{"webinar_id": "2", "action": "question", "text": ""}');  -- condition fails
SELECT score FROM lead_scoring.scores WHERE contact_id = 1;  -- 10 + 10
SELECT correlation, facts, points FROM lead_scoring.combination_sets WHERE contact_id = 1 ORDER BY correlation;

-- Recompute rebuilds the same awards and sets from the history, and changes
-- nothing for data that arrived in time order.
CREATE TEMP TABLE before AS SELECT contact_id, score FROM lead_scoring.scores;
CREATE TEMP TABLE sets_before AS SELECT contact_id, rule_id, correlation, facts, points FROM lead_scoring.combination_sets;
SELECT lead_scoring.recompute('webinars');
SELECT count(*) AS changed_scores FROM before b JOIN lead_scoring.scores s USING (contact_id) WHERE s.score <> b.score;
SELECT count(*) AS changed_sets FROM (
    (SELECT contact_id, rule_id, correlation, facts, points FROM lead_scoring.combination_sets
     EXCEPT SELECT * FROM sets_before)
    UNION ALL
    (SELECT * FROM sets_before
     EXCEPT SELECT contact_id, rule_id, correlation, facts, points FROM lead_scoring.combination_sets)) d;
-- A cap cuts the award, not the value: the next rise tops up from the value.
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'capped', 25 FROM lead_scoring.models;
UPDATE lead_scoring.combination_rules SET group_id = (SELECT group_id FROM lead_scoring.point_groups WHERE name = 'capped');
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 40, r.event_type, '2026-03-05'::timestamptz + i * interval '1 minute', r.properties
  FROM reaction r, generate_series(1, 1) i ORDER BY r.r DESC;
SELECT score FROM lead_scoring.scores WHERE contact_id = 40;
SELECT kind, delta FROM lead_scoring.ledger WHERE contact_id = 40 ORDER BY entry_id;

-- After a tier edit, recompute applies the new points (35 -> 50) to every history,
-- now in the capped group (25) the rule awards into since the edit above.
UPDATE lead_scoring.combination_tiers SET points = 50 WHERE facts = '{attended,asked,downloaded}';
SELECT lead_scoring.recompute('webinars');
SELECT contact_id, score FROM lead_scoring.scores WHERE contact_id IN (5, 15, 25, 40) ORDER BY contact_id;
SELECT points FROM lead_scoring.combination_sets WHERE contact_id = 5;
-- Live scoring goes on from the rebuilt sets.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT 2, event_type, '2026-03-06', properties FROM reaction WHERE r = 'downloaded';
SELECT score FROM lead_scoring.scores WHERE contact_id = 2;

-- evaluate judges converted contacts just before their first conversion: contact 9's
-- combination is in, contact 7's (nothing) too.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (9, 'purchase', '2026-04-01'), (7, 'purchase', '2026-04-01');
SELECT contacts, converted, auc FROM lead_scoring.evaluate('webinars', '2026-05-01');
SELECT contact_id, score FROM lead_scoring.judged_scores('webinars', '2026-05-01') WHERE contact_id IN (7, 9)
 ORDER BY contact_id;

-- forget_contact erases the sets.
SELECT relation, rows FROM lead_scoring.forget_contact(9) WHERE relation IN ('combination_sets', 'ledger');
SELECT count(*) FROM lead_scoring.combination_sets WHERE contact_id = 9;

-- Bad definitions are refused, naming the rule and the problem.
\set VERBOSITY terse
INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by) SELECT model_id, 'bad key', '$.webinar_id' FROM lead_scoring.models;
INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by) SELECT model_id, 'bad key', 'a.b' FROM lead_scoring.models;
INSERT INTO lead_scoring.combination_rules (model_id, name, correlate_by) SELECT model_id, 'bad key', '' FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name, window_size) SELECT model_id, 'recent', '30 days' FROM lead_scoring.models;
INSERT INTO lead_scoring.combination_rules (model_id, name, group_id)
SELECT model_id, 'windowed', group_id FROM lead_scoring.point_groups WHERE name = 'recent';
UPDATE lead_scoring.point_groups SET window_size = '30 days' WHERE name = 'capped';
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points) SELECT rule_id, '{attended,applauded}', 5 FROM lead_scoring.combination_rules;
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points) SELECT rule_id, '{}', 5 FROM lead_scoring.combination_rules;
INSERT INTO lead_scoring.combination_tiers (rule_id, facts, points) SELECT rule_id, '{attended}', -5 FROM lead_scoring.combination_rules;
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type, condition) SELECT rule_id, 'var', 'x', '$.a == $v' FROM lead_scoring.combination_rules;
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type, properties_match) SELECT rule_id, 'arr', 'x', '[1]' FROM lead_scoring.combination_rules;
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type) SELECT rule_id, '', 'x' FROM lead_scoring.combination_rules;
DELETE FROM lead_scoring.combination_facts WHERE fact = 'asked';
UPDATE lead_scoring.combination_facts SET fact = 'question' WHERE fact = 'asked';
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type)
SELECT rule_id, 'f' || i, 'x' FROM lead_scoring.combination_rules, generate_series(1, 61) i;  -- 64 in all
INSERT INTO lead_scoring.combination_facts (rule_id, fact, event_type) SELECT rule_id, 'one too many', 'x' FROM lead_scoring.combination_rules;
\set VERBOSITY default
-- Nothing stored was lost, and deleting the rule takes its facts and tiers along.
SELECT count(*) AS facts FROM lead_scoring.combination_facts;
DELETE FROM lead_scoring.combination_rules;
SELECT (SELECT count(*) FROM lead_scoring.combination_facts) AS facts, (SELECT count(*) FROM lead_scoring.combination_tiers) AS tiers;
-- A recompute after the rule is gone removes its sets (and its awards from the ledger).
SELECT count(*) > 0 AS sets_before FROM lead_scoring.combination_sets;
SELECT lead_scoring.recompute('webinars') > 0 AS recomputed;
SELECT (SELECT count(*) FROM lead_scoring.combination_sets) AS sets_after,
       (SELECT count(*) FROM lead_scoring.ledger WHERE kind = 'combination') AS awards_after;
