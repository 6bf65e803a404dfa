---------------------------------------------------------------------------
-- C entry points
---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION lead_scoring.jsonpath_is_predicate(jsonpath) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lead_scoring_jsonpath_is_predicate'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.jsonpath_is_predicate(jsonpath) IS
    'true when the jsonpath is a predicate (returns true/false/unknown), as conditions must be';

CREATE OR REPLACE FUNCTION lead_scoring.jsonpath_uses_variables(jsonpath) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lead_scoring_jsonpath_uses_variables'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.jsonpath_uses_variables(jsonpath) IS
    'true when the jsonpath names a $variable anywhere (conditions are evaluated without variables)';

CREATE OR REPLACE FUNCTION lead_scoring.jsonpath_datetime_templates(jsonpath) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lead_scoring_jsonpath_datetime_templates'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.jsonpath_datetime_templates(jsonpath) IS
    'the templates of the jsonpath''s .datetime("template") calls (checked when a condition is written)';

CREATE OR REPLACE FUNCTION lead_scoring.rule_tables() RETURNS text[]
    AS 'MODULE_PATHNAME', 'lead_scoring_rule_tables' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.rule_tables() IS
    'the tables whose changes invalidate every backend''s rule cache (each has a rules_changed trigger)';

CREATE OR REPLACE FUNCTION lead_scoring.rules_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lead_scoring_rules_changed' LANGUAGE C;

CREATE OR REPLACE FUNCTION lead_scoring.score_new_events() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lead_scoring_score_new_events' LANGUAGE C;

CREATE OR REPLACE FUNCTION lead_scoring.fit_new_contacts() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lead_scoring_fit_new_contacts' LANGUAGE C;

CREATE OR REPLACE FUNCTION lead_scoring.fit_changed_contacts() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lead_scoring_fit_changed_contacts' LANGUAGE C;

CREATE OR REPLACE FUNCTION lead_scoring.rule_cache_stats(
    OUT models integer, OUT event_rules integer, OUT attribute_rules integer,
    OUT thresholds integer, OUT event_types integer, OUT bytes bigint, OUT builds bigint)
    AS 'MODULE_PATHNAME', 'lead_scoring_rule_cache_stats' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION lead_scoring.rule_cache_stats() IS
    'this backend''s compiled-rule cache: what it holds and the memory it uses';

