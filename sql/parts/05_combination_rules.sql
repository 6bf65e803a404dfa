---------------------------------------------------------------------------
-- Combination rules: refuse bad definitions when written (SPEC "Combination rules")
---------------------------------------------------------------------------

-- A property named by a rule (correlate_by, deadline_property) is a plain
-- top-level key, read as properties ->> key: 1 to 200 bytes, no jsonpath ('$...'),
-- no path separators or brackets, no quotes, spaces or control characters.
CREATE OR REPLACE FUNCTION lead_scoring.check_property_key(what text, field text, key text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF key IS NOT NULL AND (key !~ '^[^$.\[\]"''[:space:][:cntrl:]][^.\[\]"''[:space:][:cntrl:]]*$'
                            OR octet_length(key) > 200) THEN
        RAISE EXCEPTION '%: % "%" is not a plain top-level property key', what, field, left(key, 80)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Name the key itself, e.g. webinar_id (not $.webinar_id or a.b): it is read as properties ->> key.';
    END IF;
END $$;

-- A rule: its group (the model's default when null; not one with a sliding window:
-- a top-up cannot expire on its own) and a plain correlate_by key.
CREATE OR REPLACE FUNCTION lead_scoring.validate_combination_rule() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text;
BEGIN
    NEW.name := coalesce(NEW.name, format('combination %s', NEW.rule_id));
    what := format('combination rule "%s"', NEW.name);
    PERFORM lead_scoring.check_length(what, 'name', NEW.name, 200);
    NEW.group_id := lead_scoring.resolve_group(what, NEW.model_id, NEW.group_id);
    IF EXISTS (SELECT 1 FROM lead_scoring.point_groups g WHERE g.group_id = NEW.group_id AND g.window_size IS NOT NULL) THEN
        RAISE EXCEPTION '%: point group % has a sliding window; a combination''s award cannot expire on its own', what,
              NEW.group_id
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM lead_scoring.check_property_key(what, 'correlate_by', NEW.correlate_by);
    RETURN NEW;
END $$;

-- A fact: a name (1 to 200 bytes, unique per rule), an event type and a filter
-- checked as an event rule's; at most 64 per rule. A fact a tier names is not
-- renamed or moved to another rule (the tier would name nothing).
CREATE OR REPLACE FUNCTION lead_scoring.validate_combination_fact() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text := format('fact "%s" of combination rule %s', NEW.fact, NEW.rule_id);
BEGIN
    IF NEW.fact IS NULL OR NEW.fact = '' THEN
        RAISE EXCEPTION 'combination rule %: a fact needs a name', NEW.rule_id USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_length(what, 'fact', NEW.fact, 200);
    IF NEW.event_type IS NULL THEN
        RAISE EXCEPTION '%: event_type must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_length(what, 'event_type', NEW.event_type, 1000);
    PERFORM lead_scoring.check_match(what, NEW.properties_match);
    PERFORM lead_scoring.check_condition(what, NEW.condition);
    IF (SELECT count(*) FROM lead_scoring.combination_facts f
         WHERE f.rule_id = NEW.rule_id AND f.fact <> NEW.fact) >= 64 THEN
        RAISE EXCEPTION '%: a combination rule has at most 64 facts', what USING ERRCODE = 'program_limit_exceeded';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.fact <> OLD.fact OR NEW.rule_id <> OLD.rule_id) THEN
        PERFORM lead_scoring.refuse_named_fact(OLD.rule_id, OLD.fact, 'renamed');
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.refuse_named_fact(p_rule_id bigint, p_fact text, done text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM lead_scoring.combination_tiers t WHERE t.rule_id = p_rule_id AND p_fact = ANY (t.facts)) THEN
        RAISE EXCEPTION 'fact "%" of combination rule % is named by a tier; it cannot be %', p_fact, p_rule_id, done
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Change or delete the tiers that name it first.';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.protect_combination_fact() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
BEGIN
    -- The rule's own deletion cascades here (its tiers go with it).
    IF EXISTS (SELECT 1 FROM lead_scoring.combination_rules r WHERE r.rule_id = OLD.rule_id) THEN
        PERFORM lead_scoring.refuse_named_fact(OLD.rule_id, OLD.fact, 'deleted');
    END IF;
    RETURN OLD;
END $$;

-- A tier: at least one fact, each a fact of its rule; points a valid amount, not
-- negative (a combination's value only grows: a penalty is an absence rule's or an
-- event rule's).
CREATE OR REPLACE FUNCTION lead_scoring.validate_combination_tier() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    rule_name text;
    what text;
    unknown text;
BEGIN
    SELECT r.name INTO rule_name FROM lead_scoring.combination_rules r WHERE r.rule_id = NEW.rule_id;
    what := format('tier %s of combination rule "%s"', NEW.facts, coalesce(rule_name, NEW.rule_id::text));
    IF NEW.facts IS NULL OR cardinality(NEW.facts) = 0 OR array_position(NEW.facts, NULL) IS NOT NULL THEN
        RAISE EXCEPTION '%: a tier names at least one fact, and no null', what USING ERRCODE = 'check_violation';
    END IF;
    SELECT x.fact INTO unknown FROM unnest(NEW.facts) x(fact)
     WHERE NOT EXISTS (SELECT 1 FROM lead_scoring.combination_facts f WHERE f.rule_id = NEW.rule_id AND f.fact = x.fact)
     LIMIT 1;
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION '%: "%" is not a fact of the rule', what, unknown
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Insert the fact into lead_scoring.combination_facts first.';
    END IF;
    IF NEW.points IS NULL THEN
        RAISE EXCEPTION '%: points must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_points(what || ' points', NEW.points);
    IF NEW.points < 0 THEN
        RAISE EXCEPTION '%: points % are negative; a combination''s value only grows', what, NEW.points
            USING ERRCODE = 'check_violation',
                  HINT = 'Penalise what did not happen with an absence rule.';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.combination_rules
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_combination_rule();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.combination_facts
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_combination_fact();
CREATE OR REPLACE TRIGGER protect_named BEFORE DELETE ON lead_scoring.combination_facts
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.protect_combination_fact();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.combination_tiers
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_combination_tier();
