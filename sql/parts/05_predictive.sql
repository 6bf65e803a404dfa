---------------------------------------------------------------------------
-- Predictive scoring: feature definitions, validated when written, and the
-- feature set a fit uses (SPEC "Predictive scoring")
---------------------------------------------------------------------------

-- A feature: a kind and what it reads (event_count: an event type and filters, no
-- path; attribute kinds: a jsonpath without $variables, no event filters), a
-- transform (none, log1p), min_count >= 1, a name of at most 200 bytes.
CREATE OR REPLACE FUNCTION lead_scoring.validate_predictive_feature() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text := format('predictive feature "%s"', NEW.name);
BEGIN
    PERFORM lead_scoring.check_length(what, 'name', NEW.name, 200);
    IF NEW.kind IS NULL OR NEW.kind NOT IN ('event_count', 'attribute_number', 'attribute_category', 'attribute_flag') THEN
        RAISE EXCEPTION '%: kind "%" is not one of event_count, attribute_number, attribute_category, attribute_flag',
              what, NEW.kind
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NEW.transform IS NULL OR NEW.transform NOT IN ('none', 'log1p') THEN
        RAISE EXCEPTION '%: transform "%" is not none or log1p', what, NEW.transform
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NEW.min_count IS NULL OR NEW.min_count < 1 THEN
        RAISE EXCEPTION '%: min_count must be at least 1', what USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'event_count' THEN
        IF NEW.event_type IS NULL OR NEW.path IS NOT NULL THEN
            RAISE EXCEPTION '%: an event_count feature names an event_type (and no path)', what
                USING ERRCODE = 'check_violation';
        END IF;
        PERFORM lead_scoring.check_length(what, 'event_type', NEW.event_type, 1000);
        PERFORM lead_scoring.check_match(what, NEW.properties_match);
        PERFORM lead_scoring.check_condition(what, NEW.condition);
    ELSE
        IF NEW.path IS NULL OR NEW.event_type IS NOT NULL OR NEW.properties_match IS NOT NULL OR NEW.condition IS NOT NULL THEN
            RAISE EXCEPTION '%: an % feature reads a path of the attributes (and no event filter)', what, NEW.kind
                USING ERRCODE = 'check_violation';
        END IF;
        IF lead_scoring.jsonpath_uses_variables(NEW.path) THEN
            RAISE EXCEPTION '%: path % uses a $variable, which no contact can supply', what, NEW.path
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF NEW.kind <> 'attribute_flag' AND lead_scoring.jsonpath_is_predicate(NEW.path) THEN
            RAISE EXCEPTION '%: path % is a predicate; an % reads a value, e.g. $.employees', what, NEW.path, NEW.kind
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.predictive_features
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_predictive_feature();

-- The features a fit of the model uses, as a JSON array: the declared ones, or
-- without any, one event_count per active event rule and one attribute_flag (its
-- condition) per active attribute rule, named after the rules (rule_kind and
-- rule_id say which: suggest_points maps their effects back to points).
CREATE OR REPLACE FUNCTION lead_scoring.predictive_feature_set(p_model_id integer) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM lead_scoring.predictive_features f WHERE f.model_id = p_model_id) THEN
        (SELECT jsonb_agg(jsonb_build_object('name', f.name, 'kind', f.kind, 'event_type', f.event_type,
                                             'properties_match', f.properties_match, 'condition', f.condition::text,
                                             'path', f.path::text, 'transform', f.transform, 'min_count', f.min_count)
                          ORDER BY f.feature_id)
           FROM lead_scoring.predictive_features f WHERE f.model_id = p_model_id)
    ELSE
        (SELECT coalesce(jsonb_agg(x.feature ORDER BY x.ord, x.rule_id), '[]')
           FROM (SELECT 1 AS ord, r.rule_id,
                        jsonb_build_object('name', CASE WHEN count(*) OVER (PARTITION BY r.name) > 1
                                                        THEN r.name || ' #' || r.rule_id ELSE r.name END,
                                           'kind', 'event_count', 'event_type', r.event_type,
                                           'properties_match', r.properties_match, 'condition', r.condition::text,
                                           'transform', 'none', 'min_count', 30,
                                           'rule_kind', 'event', 'rule_id', r.rule_id) AS feature
                   FROM lead_scoring.event_rules r WHERE r.model_id = p_model_id AND r.active
                 UNION ALL
                 SELECT 2, a.rule_id,
                        jsonb_build_object('name', CASE WHEN count(*) OVER (PARTITION BY a.name) > 1
                                                        THEN a.name || ' #' || a.rule_id ELSE a.name END,
                                           'kind', 'attribute_flag', 'path', a.condition::text,
                                           'transform', 'none', 'min_count', 30,
                                           'rule_kind', 'attribute', 'rule_id', a.rule_id)
                   FROM lead_scoring.attribute_rules a WHERE a.model_id = p_model_id AND a.active) x)
    END;
$$;
