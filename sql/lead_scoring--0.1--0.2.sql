-- lead_scoring 0.1 -> 0.2 (ALTER EXTENSION lead_scoring UPDATE). Every schema change
-- of 0.2 comes here as well as into sql/parts, so that an updated database has the
-- same objects as a fresh install (test/t/003_upgrade.pl compares the catalogs) and
-- keeps every row. Data changes are set-based; new columns come last, with defaults.
\echo Use "ALTER EXTENSION lead_scoring UPDATE" to load this file. \quit

---------------------------------------------------------------------------
-- Restores with pg_dump's default options (issue 12; sql/parts/04_restoring.sql)
---------------------------------------------------------------------------
-- In C (src/restore_detection.cpp): it runs once per statement on every event insert.
CREATE FUNCTION lead_scoring.restoring() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lead_scoring_restoring' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.restoring() IS
    'true in a session that loads a pg_dump archive (pg_dump''s settings, a role that may write scores): '
    'the triggers that create default groups, fit new contacts and score events stand aside';
REVOKE ALL ON FUNCTION lead_scoring.restoring() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lead_scoring.restoring() TO PUBLIC;

DROP TRIGGER create_default_group ON lead_scoring.models;
CREATE TRIGGER create_default_group AFTER INSERT ON lead_scoring.models
    FOR EACH ROW WHEN (NOT lead_scoring.restoring())  -- a restore loads the default groups itself
    EXECUTE FUNCTION lead_scoring.create_default_group();

DROP TRIGGER score ON lead_scoring.events;
CREATE TRIGGER score AFTER INSERT ON lead_scoring.events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring())
    EXECUTE FUNCTION lead_scoring.score_new_events();

DROP TRIGGER fit_new ON lead_scoring.contacts;
CREATE TRIGGER fit_new AFTER INSERT ON lead_scoring.contacts
    REFERENCING NEW TABLE AS new_contacts
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring())
    EXECUTE FUNCTION lead_scoring.fit_new_contacts();

---------------------------------------------------------------------------
-- One error for an unknown model everywhere (issue 13; sql/parts/08_explain.sql)
---------------------------------------------------------------------------
-- A model's id by name; an unknown name is the error every function that takes a
-- model name raises (the C++ functions: pg::model_index).
CREATE FUNCTION lead_scoring.model_id_of(model text) RETURNS integer
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found integer;
BEGIN
    IF model IS NULL THEN
        RAISE EXCEPTION 'model must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.model_id INTO found FROM lead_scoring.models m WHERE m.name = model_id_of.model;
    IF found IS NULL THEN
        RAISE EXCEPTION 'model "%" does not exist', model USING ERRCODE = 'undefined_object';
    END IF;
    RETURN found;
END $$;

-- Rows: the attribute rules that held at the last fit, every ledger entry (awards,
-- adjustments, decay, expiry, resets), then a 'clamp' row per group whose cap cut
-- its score and one (point_group NULL) for the model's min/max clamp. Only groups
-- that count toward the total appear. The points add up to scores.score exactly.
-- An unknown model is an error, as in every function that takes a model name; an
-- inactive model's stored scores are still explained.
-- SECURITY DEFINER: readers may explain a score without reading internal tables.
CREATE OR REPLACE FUNCTION lead_scoring.explain(model text, contact_id bigint)
RETURNS TABLE (point_group text, source text, rule text, event_id bigint,
               occurred_at timestamptz, points numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH m AS (
        SELECT mo.model_id, mo.min_score, mo.max_score FROM lead_scoring.models mo
         WHERE mo.model_id = lead_scoring.model_id_of(explain.model)
    ), s AS (
        SELECT cs.* FROM lead_scoring.contact_scores cs JOIN m USING (model_id)
         WHERE cs.contact_id = explain.contact_id
    ), groups AS (
        SELECT g.group_id, g.name, g.max_points, u.fit, u.balance,
               CASE WHEN g.max_points IS NULL THEN u.fit + u.balance
                    ELSE least(u.fit + u.balance, g.max_points) END AS score
          FROM s CROSS JOIN LATERAL (
                 SELECT v.group_id, lead_scoring.points_of(v.fit) AS fit, lead_scoring.points_of(v.balance) AS balance
                   FROM ROWS FROM (unnest(s.group_ids), unnest(s.group_fit_units), unnest(s.group_balance_units))
                        AS v(group_id, fit, balance)) u
          JOIN lead_scoring.point_groups g ON g.group_id = u.group_id
         WHERE g.counts_toward_total
    ), rows AS (
        SELECT g.name AS point_group, 'attribute'::text AS source, coalesce(ar.name, '#' || f.rule_id) AS rule,
               NULL::bigint AS event_id, NULL::timestamptz AS occurred_at, lead_scoring.points_of(f.units) AS points, 1 AS part,
               f.rule_id AS ord
          FROM s CROSS JOIN LATERAL ROWS FROM (unnest(s.fit_rule_ids), unnest(s.fit_rule_groups), unnest(s.fit_rule_units))
               AS f(rule_id, group_id, units)
          JOIN groups g ON g.group_id = f.group_id
          LEFT JOIN lead_scoring.attribute_rules ar ON ar.rule_id = f.rule_id
        UNION ALL
        SELECT g.name, l.kind, coalesce(er.name, l.reason), l.event_id, coalesce(l.occurred_at, l.created_at),
               l.delta, 2, l.entry_id
          FROM lead_scoring.ledger l
          JOIN m ON m.model_id = l.model_id
          JOIN groups g ON g.group_id = l.group_id
          LEFT JOIN lead_scoring.event_rules er ON er.rule_id = l.rule_id AND l.kind IN ('rule', 'expiry')
         WHERE l.contact_id = explain.contact_id
        UNION ALL
        SELECT g.name, 'clamp', 'max_points', NULL, NULL, g.score - (g.fit + g.balance), 3, g.group_id
          FROM groups g WHERE g.score <> g.fit + g.balance
        UNION ALL
        SELECT NULL, 'clamp', CASE WHEN s.score > t.sum THEN 'min_score' ELSE 'max_score' END, NULL, NULL,
               s.score - t.sum, 4, 0
          FROM s, (SELECT coalesce(sum(groups.score), 0) AS sum FROM groups) t
         WHERE s.score <> t.sum
    )
    SELECT point_group, source, rule, event_id, occurred_at, points FROM rows ORDER BY part, occurred_at, ord;
$$;

REVOKE ALL ON FUNCTION lead_scoring.model_id_of(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lead_scoring.model_id_of(text) TO lead_scoring_reader;

-- The same judgement per band, shaped like the band_summary view: every band of the
-- model in min_score order (with 0 contacts where none), contacts below every band
-- first under band NULL; conversion_rate a fraction rounded to 4 decimals; days to
-- conversion from the first event to the first conversion, rounded to 2.
CREATE OR REPLACE FUNCTION lead_scoring.band_report(model text, as_of timestamptz DEFAULT pg_catalog.now())
RETURNS TABLE (band text, contacts bigint, converted bigint, conversion_rate numeric,
               avg_days_to_conversion numeric)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH m AS (
        SELECT lead_scoring.model_id_of(band_report.model) AS model_id  -- an unknown model is an error
    ), per_contact AS (
        SELECT lead_scoring.band_of(m.model_id, j.score) AS band, j.converted_at,
               EXTRACT(epoch FROM j.converted_at - j.first_event_at) / 86400 AS days
          FROM lead_scoring.judged_scores(band_report.model, band_report.as_of) j, m
    ), per_band AS (
        SELECT p.band, count(*) AS contacts, count(p.converted_at) AS converted, avg(p.days) AS avg_days
          FROM per_contact p GROUP BY p.band
    ), all_bands AS (
        SELECT b.name AS band, b.min_score FROM lead_scoring.bands b, m WHERE b.model_id = m.model_id
        UNION ALL
        SELECT NULL, NULL FROM per_band p WHERE p.band IS NULL
    )
    SELECT a.band,
           coalesce(p.contacts, 0),
           coalesce(p.converted, 0),
           CASE WHEN coalesce(p.contacts, 0) = 0 THEN NULL ELSE round(p.converted::numeric / p.contacts, 4) END,
           round(p.avg_days, 2)
      FROM all_bands a LEFT JOIN per_band p ON p.band IS NOT DISTINCT FROM a.band
     ORDER BY a.min_score NULLS FIRST
$$;
