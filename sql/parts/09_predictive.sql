---------------------------------------------------------------------------
-- Predictive scoring: train, explain_prediction, suggested points
-- (SPEC "Predictive scoring"; src/pg/training.cpp)
---------------------------------------------------------------------------

-- Fits the model's conversion probability on every contact that existed at as_of
-- (labels: converted by as_of; features just before the first conversion, else as
-- of as_of; nothing after as_of is read), stores the fit in predictive_fits and
-- predictive_terms (replacing the model's previous one) and sets every contact's
-- conversion_probability. Returns the terms.
CREATE OR REPLACE FUNCTION lead_scoring.train(model text, as_of timestamptz DEFAULT pg_catalog.now(),
                                              l2 double precision DEFAULT 1.0)
RETURNS TABLE (term text, coefficient double precision, std_error double precision, odds_ratio double precision)
    AS 'MODULE_PATHNAME', 'lead_scoring_train' LANGUAGE C VOLATILE;

-- train()'s last step, internal: every contact's conversion_probability under the
-- model's stored fit; returns how many rows it wrote. On a Citus coordinator it runs
-- in every shard.
CREATE OR REPLACE FUNCTION lead_scoring.refresh_probabilities(model text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_refresh_probabilities' LANGUAGE C VOLATILE STRICT;

-- The log-odds contributions of the contact's current events and attributes under
-- the model's fit, largest first; the intercept is a row; they add up to the
-- log-odds of the probability the fit gives.
CREATE OR REPLACE FUNCTION lead_scoring.explain_prediction(model text, contact_id bigint)
RETURNS TABLE (feature text, value double precision, contribution double precision)
    AS 'MODULE_PATHNAME', 'lead_scoring_explain_prediction' LANGUAGE C STABLE;

-- Points for each rule the fit used as a feature (a fit on the model's rules: no
-- declared features), proportional to its fitted effect (log-odds per event for an
-- event rule, for the condition holding for an attribute rule) and scaled so that
-- their absolute values add up to the current points' (the model's point budget),
-- rounded to one decimal.
CREATE OR REPLACE FUNCTION lead_scoring.suggest_points(model text)
RETURNS TABLE (rule text, rule_kind text, current_points numeric, suggested_points numeric, rule_id bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m integer := lead_scoring.model_id_of(suggest_points.model);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM lead_scoring.predictive_fits f WHERE f.model_id = m) THEN
        RAISE EXCEPTION 'model "%" has no predictive fit', model USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = format('Fit one with lead_scoring.train(%L).', model);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM lead_scoring.predictive_fits f, jsonb_array_elements(f.features) e
                    WHERE f.model_id = m AND e ? 'rule_kind') THEN
        RAISE EXCEPTION 'model "%" was fitted on declared features, not on its rules', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'suggest_points maps the effects of rule features to points: train a model without predictive_features.';
    END IF;
    RETURN QUERY
    WITH features AS (
        SELECT (e.n - 1)::integer AS idx, e.f->>'rule_kind' AS kind, (e.f->>'rule_id')::bigint AS rule_id
          FROM lead_scoring.predictive_fits pf, jsonb_array_elements(pf.features) WITH ORDINALITY e(f, n)
         WHERE pf.model_id = m AND e.f ? 'rule_kind'
    ), effects AS (
        SELECT fe.kind, fe.rule_id,
               CASE WHEN fe.kind = 'event' THEN t.coefficient / t.scale ELSE t.coefficient END AS effect,
               coalesce(er.name, ar.name) AS name, coalesce(er.points, ar.points) AS points
          FROM features fe
          JOIN lead_scoring.predictive_terms t ON t.model_id = m AND t.feature = fe.idx
          LEFT JOIN lead_scoring.event_rules er ON fe.kind = 'event' AND er.rule_id = fe.rule_id
          LEFT JOIN lead_scoring.attribute_rules ar ON fe.kind = 'attribute' AND ar.rule_id = fe.rule_id
         WHERE coalesce(er.rule_id, ar.rule_id) IS NOT NULL
    ), totals AS (
        SELECT sum(abs(e.points)) AS budget, sum(abs(e.effect)) AS effects FROM effects e
    )
    SELECT e.name, e.kind, e.points,
           CASE WHEN t.effects > 0 THEN round((e.effect / t.effects * t.budget)::numeric, 1) ELSE e.points END,
           e.rule_id
      FROM effects e, totals t
     ORDER BY e.kind, e.rule_id;
END $$;

-- Writes suggest_points' points into the rules (an admin's call), all from one
-- suggestion (one statement: the budget is read once); recompute and evaluate
-- then show their effect. Returns how many rules changed.
CREATE OR REPLACE FUNCTION lead_scoring.apply_suggested_points(model text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
-- (PL/pgSQL: Citus cannot plan an SQL function's parameters in a write of a
-- reference table; the suggestions go to each rule table in one UPDATE, so that the
-- rules change, and the contacts are rescored, once per table)
DECLARE
    event_ids bigint[];
    event_points numeric[];
    attribute_ids bigint[];
    attribute_points numeric[];
    events_changed bigint;
    attributes_changed bigint;
BEGIN
    SELECT array_agg(s.rule_id) FILTER (WHERE s.rule_kind = 'event'),
           array_agg(s.suggested_points) FILTER (WHERE s.rule_kind = 'event'),
           array_agg(s.rule_id) FILTER (WHERE s.rule_kind = 'attribute'),
           array_agg(s.suggested_points) FILTER (WHERE s.rule_kind = 'attribute')
      INTO event_ids, event_points, attribute_ids, attribute_points
      FROM lead_scoring.suggest_points(apply_suggested_points.model) s;
    UPDATE lead_scoring.event_rules r SET points = u.points
      FROM unnest(event_ids, event_points) u(rule_id, points)
     WHERE r.rule_id = u.rule_id AND r.points <> u.points;
    GET DIAGNOSTICS events_changed = ROW_COUNT;
    UPDATE lead_scoring.attribute_rules r SET points = u.points
      FROM unnest(attribute_ids, attribute_points) u(rule_id, points)
     WHERE r.rule_id = u.rule_id AND r.points <> u.points;
    GET DIAGNOSTICS attributes_changed = ROW_COUNT;
    RETURN events_changed + attributes_changed;
END $$;
