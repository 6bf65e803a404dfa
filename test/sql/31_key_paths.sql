\i test/fresh.sql
-- Attribute features are read by their path: the plain shapes ($.a.b, and
-- $.f.g == true or false) by walking the document's keys (src/pg/key_path.cpp),
-- every other shape, and a walk that meets an array or a scalar on its way, by
-- PostgreSQL's jsonpath executor. Each must read what jsonb_path_query_first and
-- jsonb_path_match read, on documents of every shape.
SET timezone = 'UTC';
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('k', 'purchase');
INSERT INTO lead_scoring.predictive_features (model_id, name, kind, path, min_count)
SELECT model_id, f.name, f.kind, f.path::jsonpath, 1
  FROM lead_scoring.models,
       (VALUES ('ab', 'attribute_number', '$.a.b'), ('strict_ab', 'attribute_number', 'strict $.a.b'),
               ('c', 'attribute_category', '$.c'), ('fg', 'attribute_flag', '$.f.g == true'),
               ('not_fg', 'attribute_flag', '$.f.g == false'), ('h', 'attribute_flag', '$.h')) f(name, kind, path);
CREATE TEMP TABLE docs (doc_no int, doc jsonb);
INSERT INTO docs VALUES
    (1, '{"a": {"b": 5}, "c": "x", "f": {"g": true}, "h": true}'),
    (2, '{"a": {"b": "7"}, "c": "y"}'),                  -- a string where a number is read
    (3, '{"a": [{"b": 1}, {"b": 2}]}'),                  -- an array on the way: lax mode unwraps it
    (4, '{"a": {"b": [3, 4]}, "c": ["x"]}'),             -- an array at the end: not a scalar
    (5, '{"a": 5, "f": 1}'),                             -- a scalar on the way
    (6, '{"a": {"b": null}, "c": null, "f": {"g": null}, "h": null}'),
    (7, '{"f": {"g": [true]}}'),                         -- compared inside an array (lax)
    (8, '{"f": {"g": "true"}, "h": "yes"}'),             -- a string compared with true: unknown
    (9, '{"f": {"g": false}, "h": false}'),
    (10, '{"c": 12.5, "a": {"b": 1e3}}'),                -- a number as a category level
    (11, '{"c": {"x": 1}, "a": {"b": {"c": 1}}}'),       -- containers where scalars are read
    (12, '{}'),
    (13, '[{"a": {"b": 9}}]'),                           -- an array document
    (14, '{"a": {"b": -2.25}, "f": {"g": true, "x": 1}, "c": true}'),
    (15, '{"a": {"b": 1e400}}');                         -- beyond a double: missing, not an error
-- Four contacts of each document, two of them converted.
INSERT INTO lead_scoring.contacts (contact_id, attributes, created_at)
SELECT d.doc_no * 10 + k, d.doc, '2026-01-01' FROM docs d, generate_series(1, 4) k;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT d.doc_no * 10 + k, 'purchase', '2026-03-01' FROM docs d, generate_series(1, 2) k;
SELECT count(*) > 0 AS trained FROM lead_scoring.train('k', '2026-06-01');
SELECT contacts, converted FROM lead_scoring.predictive_fits;
-- What each contact's features read, and whether it is what PostgreSQL reads.
WITH read AS (
    SELECT d.doc_no, d.doc,
           (SELECT string_agg(p.feature || '=' || coalesce(p.value::text, 'none'), ' ' ORDER BY p.feature)
              FROM lead_scoring.explain_prediction('k', d.doc_no * 10 + 1) p WHERE p.feature <> '(intercept)') AS features
      FROM docs d
), expected AS (
    SELECT d.doc_no,
           (SELECT CASE WHEN jsonb_typeof(v) = 'number' AND abs(v::numeric) < 1e308 THEN v::text::float8 END
              FROM jsonb_path_query_first(d.doc, '$.a.b', silent => true) v) AS ab,
           (SELECT CASE WHEN jsonb_typeof(v) = 'number' AND abs(v::numeric) < 1e308 THEN v::text::float8 END
              FROM jsonb_path_query_first(d.doc, 'strict $.a.b', silent => true) v) AS strict_ab,
           coalesce(jsonb_path_match(d.doc, '$.f.g == true', silent => true), false) AS fg,
           coalesce(jsonb_path_match(d.doc, '$.f.g == false', silent => true), false) AS not_fg,
           coalesce(jsonb_path_query_first(d.doc, '$.h', silent => true) = 'true', false) AS h,
           (SELECT CASE WHEN jsonb_typeof(v) IN ('string', 'number', 'boolean') THEN v #>> '{}' END
              FROM jsonb_path_query_first(d.doc, '$.c', silent => true) v) AS c
      FROM docs d
)
SELECT r.doc_no, r.features,
       r.features LIKE 'ab=' || coalesce(e.ab::text, 'none') || ' %'
       AND r.features LIKE '%strict_ab=' || coalesce(e.strict_ab::text, 'none')
       AND r.features LIKE '%fg=' || e.fg::int || '%'
       AND r.features LIKE '%not_fg=' || e.not_fg::int || '%'
       AND r.features LIKE '%h=' || e.h::int || '%'
       AND (e.c IS NULL OR r.features LIKE '%c=' || e.c || '=1%') AS as_postgresql_reads
  FROM read r JOIN expected e USING (doc_no) ORDER BY r.doc_no;
