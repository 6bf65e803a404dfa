-- The data of bench/predictive.sh: psql -v N=<contacts> -f bench/predictive_data.sql
CREATE EXTENSION lead_scoring;
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('m', 'purchase');
-- Rules a marketer wrote (some right, some not).
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT 1, 'e' || t, 'e' || t, (ARRAY[5, 1, 10, 2, 3])[1 + t % 5] FROM generate_series(1, 30) t;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points) VALUES
    (1, 'big', '$.employees >= 200', 10), (1, 'decision maker', '$.flags.f1 == true', 5);
-- Features: 60 counts, an industry, 5 numbers, 5 flags.
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, event_type, properties_match, transform)
SELECT 1, 'e' || t || v, 'event_count', 'e' || t, jsonb_build_object('v', v), 'log1p'
  FROM generate_series(1, 30) t, unnest(ARRAY['a', 'b']) v;
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path, min_count) VALUES
    (1, 'industry', 'attribute_category', '$.industry', 30);
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path)
SELECT 1, 'n' || k, 'attribute_number', ('$.n' || k)::jsonpath FROM generate_series(1, 5) k;
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path)
SELECT 1, 'f' || k, 'attribute_flag', ('$.flags.f' || k || ' == true')::jsonpath FROM generate_series(1, 5) k;

SELECT setseed(0.17);
CREATE TABLE truth AS
SELECT i AS contact_id, floor(random() * 40)::int AS industry, random() AS u,
       array(SELECT round((random() * 4)::numeric, 2) FROM generate_series(1, 5 + 0 * i)) AS n,
       array(SELECT random() < 0.3 FROM generate_series(1, 5 + 0 * i)) AS f
  FROM generate_series(1, :N) i;
INSERT INTO lead_scoring.contacts (contact_id, attributes, created_at, updated_at)
SELECT contact_id,
       jsonb_build_object('industry', 'ind' || industry, 'employees', (n[1] * 100)::int,
                          'n1', n[1], 'n2', n[2], 'n3', n[3], 'n4', n[4], 'n5', n[5],
                          'flags', jsonb_build_object('f1', f[1], 'f2', f[2], 'f3', f[3], 'f4', f[4], 'f5', f[5])),
       '2025-12-01', '2025-12-01'
  FROM truth;
-- 10 activity events per contact in January.
CREATE TABLE activity AS
SELECT contact_id, 'e' || (1 + floor(random() * 30)::int) AS event_type,
       timestamptz '2026-01-01' + random() * interval '30 days' AS occurred_at,
       jsonb_build_object('v', CASE WHEN random() < 0.5 THEN 'a' ELSE 'b' END) AS properties
  FROM truth, generate_series(1, 10);
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at, properties)
SELECT * FROM activity ORDER BY occurred_at;
-- The truth: e1a, e2a, e3b (+0.6 each), e4a (-0.5), industries 0-4 (+1), n1 (+0.5),
-- f1 (+0.8); converted at a time uniform over February to May.
CREATE TABLE labels AS
SELECT t.contact_id,
       1 / (1 + exp(-(-3.0 + 0.6 * (coalesce(c.e1a, 0) + coalesce(c.e2a, 0) + coalesce(c.e3b, 0))
                      - 0.5 * coalesce(c.e4a, 0) + CASE WHEN t.industry < 5 THEN 1 ELSE 0 END
                      + 0.5 * t.n[1] + CASE WHEN t.f[1] THEN 0.8 ELSE 0 END))) AS p,
       timestamptz '2026-02-01' + random() * interval '120 days' AS converted_at
  FROM truth t LEFT JOIN (
       SELECT contact_id, count(*) FILTER (WHERE event_type = 'e1' AND properties->>'v' = 'a') AS e1a,
              count(*) FILTER (WHERE event_type = 'e2' AND properties->>'v' = 'a') AS e2a,
              count(*) FILTER (WHERE event_type = 'e3' AND properties->>'v' = 'b') AS e3b,
              count(*) FILTER (WHERE event_type = 'e4' AND properties->>'v' = 'a') AS e4a
         FROM activity GROUP BY contact_id) c USING (contact_id);
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT l.contact_id, 'purchase', l.converted_at FROM labels l JOIN truth t USING (contact_id) WHERE t.u < l.p
 ORDER BY l.converted_at;
ANALYZE;
