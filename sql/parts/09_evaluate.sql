---------------------------------------------------------------------------
-- Evaluate: does the model rank converters first? (as of a time, no leakage)
---------------------------------------------------------------------------

-- The judgement evaluate and band_report rest on, one row per contact that existed
-- at as_of (created by then, or with an event by then): its score under the current
-- rules and attributes, replayed from its history (events, adjustments, resets,
-- decay, windows), just before its first conversion event if it converted by as_of
-- (so the conversion's own points do not flatter the model), else at as_of.
CREATE OR REPLACE FUNCTION lead_scoring.judged_scores(model text, as_of timestamptz DEFAULT pg_catalog.now())
RETURNS TABLE (contact_id bigint, score numeric, converted_at timestamptz, first_event_at timestamptz)
    AS 'MODULE_PATHNAME', 'lead_scoring_judged_scores' LANGUAGE C STABLE ROWS 100000;

-- The probability that a random score of `converted` is higher than a random one of
-- `others`, ties counting one half; null when either is empty.
CREATE OR REPLACE FUNCTION lead_scoring.auc(converted numeric[], others numeric[]) RETURNS double precision
    AS 'MODULE_PATHNAME', 'lead_scoring_auc' LANGUAGE C IMMUTABLE;

-- Averages are rounded to 4 decimals (points have at most 4).
CREATE OR REPLACE FUNCTION lead_scoring.evaluate(model text, as_of timestamptz DEFAULT pg_catalog.now())
RETURNS TABLE (contacts bigint, converted bigint, auc double precision,
               avg_score_converted numeric, avg_score_not_converted numeric)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT count(*),
           count(j.converted_at),
           lead_scoring.auc(array_agg(j.score) FILTER (WHERE j.converted_at IS NOT NULL),
                            array_agg(j.score) FILTER (WHERE j.converted_at IS NULL)),
           round(avg(j.score) FILTER (WHERE j.converted_at IS NOT NULL), 4),
           round(avg(j.score) FILTER (WHERE j.converted_at IS NULL), 4)
      FROM lead_scoring.judged_scores(evaluate.model, evaluate.as_of) j
$$;

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
