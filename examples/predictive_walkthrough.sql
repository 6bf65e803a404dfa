-- Predictive scoring, walked through (README "Predictive scoring"; run by the demo):
-- a model whose rules give the wrong points, 2,000 contacts whose purchases depend
-- on demos and company size; train a fit, compare its AUC with the rules', look at
-- one contact's top factors, apply the suggested points, recompute, evaluate again.
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('funnel', 'purchase');
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, r.name, r.name, r.points FROM lead_scoring.models, (VALUES ('demo', 1), ('visit', 10)) r(name, points)
 WHERE models.name = 'funnel';
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points)
SELECT model_id, 'big company', '$.employees >= 100', 2 FROM lead_scoring.models WHERE name = 'funnel';
SELECT setseed(0.42) \gset
CREATE TEMP TABLE walkthrough AS
SELECT 1000 + i AS contact_id, floor(random() * 4)::int AS demos, floor(random() * 6)::int AS visits,
       random() < 0.4 AS big, random() AS u
  FROM generate_series(1, 2000) i;
INSERT INTO lead_scoring.contacts (contact_id, attributes, created_at, updated_at)
SELECT contact_id, jsonb_build_object('employees', CASE WHEN big THEN 500 ELSE 20 END), '2026-01-01', '2026-01-01'
  FROM walkthrough;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id, 'demo', '2026-02-01'::timestamptz + k * interval '1 day' FROM walkthrough, generate_series(1, 4) k WHERE k <= demos
UNION ALL
SELECT contact_id, 'visit', '2026-02-01'::timestamptz + k * interval '1 day' FROM walkthrough, generate_series(1, 6) k WHERE k <= visits
ORDER BY 3;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT contact_id, 'purchase', timestamptz '2026-03-01' FROM walkthrough
 WHERE u < 1 / (1 + exp(-(-2.0 + 1.2 * demos + 1.0 * big::int)));

\echo == 1. train a fit on the rules as features (as of 2026-04-01)
SELECT term, round(coefficient::numeric, 2) AS coefficient, round(odds_ratio::numeric, 2) AS odds_ratio
  FROM lead_scoring.train('funnel', '2026-04-01');
\echo == 2. the fit ranks converters better than the rule score does
SELECT contacts, converted, round(auc::numeric, 3) AS auc, round(rules_auc::numeric, 3) AS rules_auc
  FROM lead_scoring.predictive_fits JOIN lead_scoring.models USING (model_id) WHERE name = 'funnel';
\echo == 3. the hottest contacts by probability, and why the first one is hot
SELECT contact_id, score, round(conversion_probability::numeric, 3) AS probability
  FROM lead_scoring.scores WHERE model = 'funnel' AND conversion_probability IS NOT NULL
 ORDER BY conversion_probability DESC, contact_id LIMIT 5;
SELECT feature, value, round(contribution::numeric, 3) AS contribution
  FROM lead_scoring.explain_prediction('funnel',
       (SELECT contact_id FROM lead_scoring.scores WHERE model = 'funnel' AND conversion_probability IS NOT NULL
         ORDER BY conversion_probability DESC, contact_id LIMIT 1));
\echo == 4. suggested points, applied, and the rule score recomputed and evaluated again
SELECT rule, rule_kind, current_points, suggested_points FROM lead_scoring.suggest_points('funnel');
SELECT lead_scoring.apply_suggested_points('funnel') AS rules_changed;
SELECT lead_scoring.recompute('funnel') AS contacts_recomputed;
SELECT contacts, converted, round(auc::numeric, 3) AS auc_after FROM lead_scoring.evaluate('funnel', '2026-04-01');
