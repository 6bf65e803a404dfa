-- Predictive scoring (SPEC "Predictive scoring"): a model whose rules give the
-- wrong points (visits +10, an irrelevant behaviour; demos +1, the one that
-- matters) on 2,000 generated contacts whose conversion depends on demos and size.
-- train() recovers the effects from the rules as features, without leakage (the
-- onboarding events that follow every purchase get no weight), beats the rules'
-- AUC, explains each probability, and suggests points that, applied and
-- recomputed, give the rule score the fit's ranking. Refusals name the problem.
\i test/fresh.sql
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('p', 'purchase');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points, properties_match)
SELECT model_id, r.name, r.event_type, r.points, r.match::jsonb FROM lead_scoring.models,
       (VALUES ('demo', 'demo', 1, NULL), ('visit', 'visit', 10, NULL), ('pricing', 'visit', 3, '{"page": "pricing"}'),
               ('onboarding', 'onboarding', 5, NULL)) r(name, event_type, points, match);
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'big', '$.employees >= 100', 2 FROM lead_scoring.models;
SELECT setseed(0.42);
CREATE TEMP TABLE c AS
SELECT i AS contact_id, floor(random() * 4)::int AS demos, floor(random() * 6)::int AS visits,
       random() < 0.4 AS big, random() AS u
  FROM generate_series(1, 2000) i;
INSERT INTO lead_scoring.contacts (contact_id, attributes, created_at, updated_at)
SELECT contact_id, jsonb_build_object('employees', CASE WHEN big THEN 500 ELSE 20 END), '2026-01-01', '2026-01-01' FROM c;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT contact_id, 'demo', '2026-02-01'::timestamptz + k * interval '1 day', '{}' FROM c, generate_series(1, 4) k WHERE k <= demos
UNION ALL
SELECT contact_id, 'visit', '2026-02-01'::timestamptz + k * interval '1 day',
       jsonb_build_object('page', CASE WHEN k % 2 = 0 THEN 'pricing' ELSE 'blog' END)
  FROM c, generate_series(1, 6) k WHERE k <= visits
ORDER BY 3;
-- The truth: log-odds -2 + 1.2 per demo + 1.0 if big. A purchase on 2026-03-01,
-- onboarding the day after (after the conversion: it must not count).
CREATE TEMP TABLE conv AS SELECT contact_id FROM c WHERE u < 1 / (1 + exp(-(-2.0 + 1.2 * demos + 1.0 * big::int)));
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id, 'purchase', timestamptz '2026-03-01' FROM conv
UNION ALL SELECT contact_id, 'onboarding', timestamptz '2026-03-02' FROM conv ORDER BY 3;

-- No fit yet: no probability.
SELECT count(*) FILTER (WHERE conversion_probability IS NOT NULL) AS with_probability FROM lead_scoring.scores;
SELECT term, round(coefficient::numeric, 2) AS coefficient, round(std_error::numeric, 2) AS std_error,
       round(odds_ratio::numeric, 2) AS odds_ratio
  FROM lead_scoring.train('p', '2026-04-01');
SELECT contacts, converted, round(auc::numeric, 3) AS auc, round(rules_auc::numeric, 3) AS rules_auc, iterations,
       jsonb_array_length(features) AS features
  FROM lead_scoring.predictive_fits;
-- The demo's effect per event (coefficient / scale) is near the truth's 1.2, size's near 1.0.
SELECT term, round((coefficient / scale)::numeric, 1) AS per_unit FROM lead_scoring.predictive_terms
 WHERE term IN ('demo', 'big') ORDER BY term;
-- Every contact has its probability; explain_prediction adds up to its log-odds.
SELECT count(*) FILTER (WHERE conversion_probability IS NOT NULL) AS with_probability FROM lead_scoring.scores;
SELECT feature, value, round(contribution::numeric, 3) AS contribution FROM lead_scoring.explain_prediction('p', 1);
SELECT count(*) AS probability_mismatches FROM lead_scoring.scores s
 WHERE abs(s.conversion_probability
           - 1 / (1 + exp(-(SELECT sum(contribution) FROM lead_scoring.explain_prediction('p', s.contact_id))))) > 1e-12;
-- "Top 20 by probability" reads an index (in order: no sort).
ANALYZE lead_scoring.contact_scores;
EXPLAIN (COSTS OFF) SELECT contact_id FROM lead_scoring.scores WHERE model = 'p' AND conversion_probability IS NOT NULL
 ORDER BY conversion_probability DESC LIMIT 20;

-- Suggested points, applied, recomputed: the rule score now ranks as the fit does.
SELECT round(auc::numeric, 3) AS rules_auc_before FROM lead_scoring.evaluate('p', '2026-04-01');
SELECT rule, rule_kind, current_points, suggested_points FROM lead_scoring.suggest_points('p');
SELECT lead_scoring.apply_suggested_points('p') AS rules_changed;
SELECT lead_scoring.recompute('p') >= 1900 AS recomputed;
SELECT round(auc::numeric, 3) AS rules_auc_after FROM lead_scoring.evaluate('p', '2026-04-01');

-- Declared features: a category (rare levels grouped, missing its own level) and a
-- log1p count.
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, event_type, transform)
SELECT model_id, 'demos', 'event_count', 'demo', 'log1p' FROM lead_scoring.models;
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path, min_count)
SELECT model_id, 'size', 'attribute_category', '$.employees', 30 FROM lead_scoring.models;
SELECT term, round(coefficient::numeric, 2) AS coefficient FROM lead_scoring.train('p', '2026-04-01');
SELECT rule FROM lead_scoring.suggest_points('p');  -- declared features: refused

-- Live: events and attribute changes move the probability in their transaction,
-- from counts kept with the score (no recount): it always equals what
-- explain_prediction works out from the contact's whole history.
CREATE TEMP TABLE before AS SELECT contact_id, conversion_probability AS p FROM lead_scoring.scores;
SELECT lead_scoring.state_as_jsonb(state)->'predictive'->'counts' AS counts FROM lead_scoring.contact_scores WHERE contact_id = 7;
BEGIN;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (7, 'demo'), (7, 'visit');
SELECT s.conversion_probability > b.p AS demo_raised_it FROM lead_scoring.scores s JOIN before b USING (contact_id)
 WHERE contact_id = 7;
ROLLBACK;
SELECT s.conversion_probability = b.p AS rolled_back FROM lead_scoring.scores s JOIN before b USING (contact_id)
 WHERE contact_id = 7;
INSERT INTO lead_scoring.events (contact_id, event_type) SELECT c, 'demo' FROM generate_series(1, 50) c;
UPDATE lead_scoring.contacts SET attributes = '{"employees": 500}' WHERE contact_id BETWEEN 51 AND 60;
UPDATE lead_scoring.contacts SET attributes = '{}' WHERE contact_id BETWEEN 61 AND 65;  -- size missing
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (5001, 'demo'), (5001, 'demo');  -- a new contact
SELECT count(*) FILTER (WHERE s.conversion_probability <> b.p) AS changed,
       count(*) FILTER (WHERE b.p IS NULL) AS new_contacts FROM lead_scoring.scores s LEFT JOIN before b USING (contact_id);
SELECT count(*) AS probability_mismatches FROM lead_scoring.scores s
 WHERE abs(s.conversion_probability
           - 1 / (1 + exp(-(SELECT sum(contribution) FROM lead_scoring.explain_prediction('p', s.contact_id))))) > 1e-12;
-- recompute and maintenance leave it as it is.
CREATE TEMP TABLE before_recompute AS SELECT contact_id, conversion_probability AS p FROM lead_scoring.scores;
SELECT lead_scoring.recompute('p') > 0 AS recomputed;
SELECT count(*) AS changed_by_recompute FROM lead_scoring.scores s JOIN before_recompute b USING (contact_id)
 WHERE s.conversion_probability IS DISTINCT FROM b.p;

-- Refusals.
\set VERBOSITY terse
SELECT * FROM lead_scoring.train('p', '2026-02-01');  -- nobody converted yet
SELECT * FROM lead_scoring.train('nope');
SELECT * FROM lead_scoring.train('p', '2026-04-01', 0);
INSERT INTO lead_scoring.models (name) VALUES ('no conversion');
SELECT * FROM lead_scoring.train('no conversion');
SELECT * FROM lead_scoring.explain_prediction('no conversion', 1);
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path) SELECT model_id, 'bad', 'attribute_number', '$.a > 1' FROM lead_scoring.models WHERE name = 'p';
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path) SELECT model_id, 'bad', 'attribute_number', '$.a ? (@ > $x)' FROM lead_scoring.models WHERE name = 'p';
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, event_type, path) SELECT model_id, 'bad', 'event_count', 'demo', '$.a' FROM lead_scoring.models WHERE name = 'p';
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path) SELECT model_id, 'bad', 'attribute_vibe', '$.a' FROM lead_scoring.models WHERE name = 'p';
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path, transform) SELECT model_id, 'bad', 'attribute_number', '$.a', 'sqrt' FROM lead_scoring.models WHERE name = 'p';
\set VERBOSITY default
-- The stored fit is the last good one.
SELECT count(*) AS fits, (SELECT count(*) FROM lead_scoring.predictive_terms) > 0 AS has_terms FROM lead_scoring.predictive_fits;
