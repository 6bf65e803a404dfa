---------------------------------------------------------------------------
-- Validation: refuse bad definitions when written, naming the rule and the problem
---------------------------------------------------------------------------

-- Points are exact decimals with at most 4 decimal places (see docs/scoring.md).
CREATE OR REPLACE FUNCTION lead_scoring.check_points(what text, value numeric) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF value IS NULL THEN
        RETURN;
    ELSIF value = 'NaN'::numeric OR value IN ('Infinity'::numeric, '-Infinity'::numeric) THEN
        RAISE EXCEPTION '%: % is not a finite number', what, value
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF abs(value) >= 1e13 THEN
        RAISE EXCEPTION '%: % is out of range (at most 10^13 in magnitude)', what, value
            USING ERRCODE = 'numeric_value_out_of_range';
    ELSIF value <> round(value, 4) THEN
        RAISE EXCEPTION '%: % has more than 4 decimal places', what, value
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;

-- Resolves a null group to the model's default group and refuses a group of another model.
CREATE OR REPLACE FUNCTION lead_scoring.resolve_group(what text, p_model_id integer, p_group_id integer)
RETURNS integer
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found record;
BEGIN
    IF p_group_id IS NULL THEN
        SELECT g.group_id INTO found FROM lead_scoring.point_groups g
         WHERE g.model_id = p_model_id AND g.name = 'default';
        IF found IS NULL THEN
            RAISE EXCEPTION '%: model % does not exist', what, p_model_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN found.group_id;
    END IF;
    SELECT g.name AS group_name, g.model_id, m.name AS model_name INTO found
      FROM lead_scoring.point_groups g JOIN lead_scoring.models m USING (model_id)
     WHERE g.group_id = p_group_id;
    IF found IS NULL THEN
        RAISE EXCEPTION '%: point group % does not exist', what, p_group_id
            USING ERRCODE = 'foreign_key_violation';
    ELSIF found.model_id <> p_model_id THEN
        RAISE EXCEPTION '%: point group "%" (%) belongs to model "%", not to model "%"', what,
              found.group_name, p_group_id, found.model_name,
              (SELECT m.name FROM lead_scoring.models m WHERE m.model_id = p_model_id)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN p_group_id;
END $$;

-- The datetime templates are not tried on a Citus coordinator: the BEGIN ... EXCEPTION
-- block is a subtransaction, which Citus would open on its connections to the
-- workers while they run this same insert on their placements (and fail, with a
-- confusing error); each worker's placement runs the check itself and refuses the
-- template by name.
CREATE OR REPLACE FUNCTION lead_scoring.check_condition(what text, condition jsonpath) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    template text;
BEGIN
    -- A .datetime("template") whose template PostgreSQL rejects raises an error on
    -- every event that reaches it, even in silent mode: try each template now (the
    -- value not matching a valid template is no error in silent mode).
    FOREACH template IN ARRAY CASE WHEN lead_scoring.distributed() AND NOT lead_scoring.citus_worker() THEN '{}'::text[] ELSE coalesce(lead_scoring.jsonpath_datetime_templates(condition), '{}') END LOOP
        BEGIN
            PERFORM jsonb_path_query('"2020-01-01"'::jsonb, format('$.datetime(%s)', to_json(template))::jsonpath,
                                     '{}', true);
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION '%: condition % has a datetime template "%" that PostgreSQL rejects: %', what, condition,
                  template, SQLERRM
                USING ERRCODE = 'invalid_parameter_value';
        END;
    END LOOP;
    IF condition IS NOT NULL AND lead_scoring.jsonpath_uses_variables(condition) THEN
        RAISE EXCEPTION '%: condition % uses a $variable, which no event can supply', what, condition
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Write the value into the condition itself, e.g. $.plan == "pro".';
    END IF;
    IF condition IS NOT NULL AND NOT lead_scoring.jsonpath_is_predicate(condition) THEN
        RAISE EXCEPTION '%: condition % is not a predicate', what, condition
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A condition must be true or false, e.g. $.url starts with "/pricing" or $.employees >= 50.';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.check_match(what text, match jsonb) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF match IS NOT NULL AND jsonb_typeof(match) <> 'object' THEN
        RAISE EXCEPTION '%: properties_match must be a JSON object, got %', what, match
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;

-- Intervals are judged as scoring counts them, by EXTRACT(epoch FROM ...): a day is
-- 24 hours, a month 30 days, a year 365.25 days. So '-1 year 361 days' is negative
-- (-4.25 days) although interval comparison calls it positive. At most 1000 years,
-- so that no time scoring computes from one can leave PostgreSQL's range.
CREATE OR REPLACE FUNCTION lead_scoring.check_interval(what text, field text, value interval) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF value IS NULL THEN
        RETURN;
    ELSIF EXTRACT(epoch FROM value) <= 0 THEN
        RAISE EXCEPTION '%: % % must be positive', what, field, value
            USING ERRCODE = 'check_violation',
                  HINT = 'Scoring counts a day as 24 hours, a month as 30 days and a year as 365.25 days.';
    ELSIF EXTRACT(epoch FROM value) > 1000 * 365.25 * 86400 THEN
        RAISE EXCEPTION '%: % % is longer than 1000 years', what, field, value
            USING ERRCODE = 'check_violation';
    END IF;
END $$;

-- Names end up in unique indexes and in NOTIFY payloads (at most 8000 bytes), so
-- they are bounded; so is an event type, which the rules' index holds.
CREATE OR REPLACE FUNCTION lead_scoring.check_length(what text, field text, value text, max_bytes integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF octet_length(value) > max_bytes THEN
        RAISE EXCEPTION '%: % is % bytes long, more than %', left(what, 100) || CASE WHEN length(what) > 100 THEN '..."' ELSE '' END,
              field, octet_length(value), max_bytes
            USING ERRCODE = 'string_data_right_truncation';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.validate_model() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text := format('model "%s"', NEW.name);
BEGIN
    PERFORM lead_scoring.check_length(what, 'name', NEW.name, 200);
    PERFORM lead_scoring.check_points(what || ' min_score', NEW.min_score);
    PERFORM lead_scoring.check_points(what || ' max_score', NEW.max_score);
    IF NEW.min_score > NEW.max_score THEN
        RAISE EXCEPTION '%: min_score % is above max_score %', what, NEW.min_score, NEW.max_score
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.create_default_group() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    INSERT INTO lead_scoring.point_groups (model_id, name, description)
    VALUES (NEW.model_id, 'default', 'points of rules that name no group')
    ON CONFLICT (model_id, name) DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.validate_point_group() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text := format('point group "%s"', NEW.name);
BEGIN
    PERFORM lead_scoring.check_length(what, 'name', NEW.name, 200);
    IF TG_OP = 'UPDATE' AND OLD.name = 'default' AND NEW.name <> 'default' THEN
        RAISE EXCEPTION 'point group "default" of model % cannot be renamed', OLD.model_id
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM lead_scoring.check_points(what || ' max_points', NEW.max_points);
    IF NEW.max_points < 0 THEN
        RAISE EXCEPTION '%: max_points % is negative', what, NEW.max_points
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.window_size IS NOT NULL AND (NEW.decay_after IS NOT NULL OR NEW.decay_every IS NOT NULL
            OR NEW.decay_points IS NOT NULL OR NEW.decay_percent IS NOT NULL) THEN
        RAISE EXCEPTION '%: a group decays or has a sliding window, not both', what
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM lead_scoring.check_interval(what, 'window_size', NEW.window_size);
    -- A combination's award is a top-up of what the set already earned, an absence
    -- penalty a fact of a deadline: neither expires on its own.
    IF NEW.window_size IS NOT NULL AND (EXISTS (SELECT 1 FROM lead_scoring.combination_rules c WHERE c.group_id = NEW.group_id)
                                        OR EXISTS (SELECT 1 FROM lead_scoring.absence_rules a WHERE a.group_id = NEW.group_id)) THEN
        RAISE EXCEPTION '%: combination or absence rules award into it, so it cannot have a sliding window', what
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.decay_after IS NOT NULL OR NEW.decay_every IS NOT NULL
            OR NEW.decay_points IS NOT NULL OR NEW.decay_percent IS NOT NULL THEN
        IF NEW.decay_after IS NULL THEN
            RAISE EXCEPTION '%: decay needs a positive decay_after', what USING ERRCODE = 'check_violation';
        END IF;
        PERFORM lead_scoring.check_interval(what, 'decay_after', NEW.decay_after);
        PERFORM lead_scoring.check_interval(what, 'decay_every', NEW.decay_every);
        IF (NEW.decay_points IS NULL) = (NEW.decay_percent IS NULL) THEN
            RAISE EXCEPTION '%: decay needs exactly one of decay_points and decay_percent', what
                USING ERRCODE = 'check_violation';
        END IF;
        PERFORM lead_scoring.check_points(what || ' decay_points', NEW.decay_points);
        IF NEW.decay_points <= 0 THEN
            RAISE EXCEPTION '%: decay_points % must be positive', what, NEW.decay_points
                USING ERRCODE = 'check_violation';
        END IF;
        PERFORM lead_scoring.check_points(what || ' decay_percent', NEW.decay_percent);
        IF NEW.decay_percent <= 0 OR NEW.decay_percent > 100 THEN
            RAISE EXCEPTION '%: decay_percent % must be in (0, 100]', what, NEW.decay_percent
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

-- A group is deleted only while it has never held points: its ledger rows (the
-- audit of every award, adjustment and reset in it) and any fit it gives would
-- otherwise be left pointing at nothing, and recompute could not replay them.
-- Leave such a group out of the total with counts_toward_total = false instead.
-- (It reads the model's score rows and the ledger: deleting a group is rare.)
-- SECURITY DEFINER: the admins who edit groups have no privilege on those tables.
CREATE OR REPLACE FUNCTION lead_scoring.protect_default_group() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    holders bigint;
BEGIN
    -- A model's own deletion cascades here (its scores go with it); only a direct
    -- delete is checked.
    IF NOT EXISTS (SELECT 1 FROM lead_scoring.models m WHERE m.model_id = OLD.model_id) THEN
        RETURN OLD;
    END IF;
    IF OLD.name = 'default' THEN
        RAISE EXCEPTION 'point group "default" of model % cannot be deleted', OLD.model_id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT count(*) INTO holders
      FROM lead_scoring.contact_scores s, lead_scoring.state_groups(s.state) u
     WHERE s.model_id = OLD.model_id AND u.group_id = OLD.group_id AND (u.fit_score <> 0 OR u.behavior_score <> 0);
    IF holders > 0 OR EXISTS (SELECT 1 FROM lead_scoring.ledger l WHERE l.model_id = OLD.model_id AND l.group_id = OLD.group_id) THEN
        RAISE EXCEPTION 'point group "%" of model % has held points (% contacts hold some now); it cannot be deleted',
              OLD.name, OLD.model_id, holders
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Leave it out of the total with counts_toward_total = false; its ledger rows stay the audit of its points.';
    END IF;
    RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.validate_event_rule() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text;
BEGIN
    NEW.name := coalesce(NEW.name, format('%s %s', NEW.event_type, NEW.points));
    what := format('event rule "%s"', NEW.name);
    IF NEW.event_type IS NULL THEN
        RAISE EXCEPTION '%: event_type must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_length(what, 'event_type', NEW.event_type, 1000);
    IF NEW.points IS NULL THEN
        RAISE EXCEPTION '%: points must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_points(what || ' points', NEW.points);
    NEW.group_id := lead_scoring.resolve_group(what, NEW.model_id, NEW.group_id);
    PERFORM lead_scoring.check_match(what, NEW.properties_match);
    PERFORM lead_scoring.check_condition(what, NEW.condition);
    IF NEW.max_awards IS NOT NULL AND NEW.max_awards < 1 THEN
        RAISE EXCEPTION '%: max_awards % must be at least 1', what, NEW.max_awards
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM lead_scoring.check_interval(what, 'cooldown', NEW.cooldown);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.validate_attribute_rule() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text;
BEGIN
    NEW.name := coalesce(NEW.name, format('%s %s', NEW.condition, NEW.points));
    what := format('attribute rule "%s"', NEW.name);
    IF NEW.condition IS NULL THEN
        RAISE EXCEPTION '%: condition must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    IF NEW.points IS NULL THEN
        RAISE EXCEPTION '%: points must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_points(what || ' points', NEW.points);
    NEW.group_id := lead_scoring.resolve_group(what, NEW.model_id, NEW.group_id);
    PERFORM lead_scoring.check_condition(what, NEW.condition);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.validate_threshold() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text := format('threshold "%s"', NEW.name);
BEGIN
    PERFORM lead_scoring.check_length(what, 'name', NEW.name, 200);
    -- What NOTIFY accepts as a channel name: 1 to 63 bytes.
    IF NEW.notify_channel = '' OR octet_length(NEW.notify_channel) > 63 THEN
        RAISE EXCEPTION '%: notify_channel "%" is not a channel NOTIFY accepts (1 to 63 bytes)', what,
              left(NEW.notify_channel, 80)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM lead_scoring.check_points(what || ' min_score', NEW.min_score);
    IF NEW.group_id IS NOT NULL THEN
        PERFORM lead_scoring.resolve_group(what, NEW.model_id, NEW.group_id);
    END IF;
    PERFORM lead_scoring.check_match(what, NEW.properties_match);
    IF NEW.properties_match IS NOT NULL AND NEW.event_type IS NULL THEN
        RAISE EXCEPTION '%: properties_match needs an event_type', what USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.validate_band() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
BEGIN
    PERFORM lead_scoring.check_length(format('band "%s"', NEW.name), 'name', NEW.name, 200);
    PERFORM lead_scoring.check_points(format('band "%s" min_score', NEW.name), NEW.min_score);
    RETURN NEW;
END $$;

-- A restore loads definitions as the dumped database held them (restoring(), in
-- 04_restoring.sql): rules an older version accepted load even where validation has
-- become stricter since.
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.models
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_model();
CREATE OR REPLACE TRIGGER create_default_group AFTER INSERT ON lead_scoring.models
    FOR EACH ROW WHEN (NOT lead_scoring.restoring())  -- a restore loads the default groups itself
    EXECUTE FUNCTION lead_scoring.create_default_group();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.point_groups
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_point_group();
CREATE OR REPLACE TRIGGER protect_default BEFORE DELETE ON lead_scoring.point_groups
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.protect_default_group();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.event_rules
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_event_rule();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.attribute_rules
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_attribute_rule();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.thresholds
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_threshold();
CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.bands
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_band();

-- A bands edit moves contacts between bands: band_summary's counts are rebuilt for
-- every model with bands or counts (a scan of their score rows; bands change rarely).
-- SECURITY DEFINER: the admins who edit bands have no privilege on the counts.
CREATE OR REPLACE FUNCTION lead_scoring.recount_bands() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m integer;
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    FOR m IN SELECT model_id FROM lead_scoring.models ORDER BY model_id LOOP
        PERFORM lead_scoring.rebuild_band_counts(m);
    END LOOP;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER recount_bands AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lead_scoring.bands
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.recount_bands();

-- Every backend's compiled-rule cache is dropped when a rule table changes: a
-- rules_changed trigger on each table of lead_scoring.rule_tables(), the list the
-- cache watches (src/pg/rule_tables.hpp).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY lead_scoring.rule_tables() LOOP
        EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                                  'ON lead_scoring.%I FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.rules_changed()', t);
    END LOOP;
END $$;

-- Scores of a deleted model go with it (internal tables carry no foreign keys).
-- SECURITY DEFINER: the admins who edit models have no privilege on contact_scores.
CREATE OR REPLACE FUNCTION lead_scoring.drop_model_scores() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    PERFORM lead_scoring.drop_model_rows(OLD.model_id);  -- on Citus, in every shard
    RETURN OLD;
END $$;
CREATE OR REPLACE TRIGGER drop_scores AFTER DELETE ON lead_scoring.models
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.drop_model_scores();

-- The number of decay steps due at t for a contact last active at L, in microseconds
-- as scoring counts them (core::decay_steps_due): floor((t - L - after) / every) + 1.
CREATE OR REPLACE FUNCTION lead_scoring.decay_steps_due(after_us bigint, every_us bigint, last_us bigint, t_us bigint)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN every_us IS NULL OR every_us OPERATOR(pg_catalog.<=) 0 OR last_us IS NULL
                 OR t_us OPERATOR(pg_catalog.<) (last_us OPERATOR(pg_catalog.+) after_us) THEN 0
            ELSE (((t_us OPERATOR(pg_catalog.-) last_us) OPERATOR(pg_catalog.-) after_us)
                  OPERATOR(pg_catalog./) every_us) OPERATOR(pg_catalog.+) 1 END;

-- A decay policy set or changed on a group applies to the scores already there:
-- every score row of the model is due at once, and run_maintenance works out what
-- each really owes (and when it is next due). A row counts the steps it has had
-- since its last activity, and that count belongs to the policy that counted it:
-- when a policy changes, each row's count is carried over to the new policy so that
-- the steps still owed under the old one (not applied yet) stay owed, and decay then
-- goes on by the new policy's formula (without the change, a count made under a
-- 1-day policy stalled a 10-day one for months). Windows need nothing: a window
-- applies to the awards made while it is set.
CREATE OR REPLACE FUNCTION lead_scoring.reschedule_maintenance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    now_us    constant bigint := (EXTRACT(epoch FROM now()) * 1000000)::bigint;
    old_after constant bigint := (EXTRACT(epoch FROM OLD.decay_after) * 1000000)::bigint;
    old_every constant bigint := (EXTRACT(epoch FROM coalesce(OLD.decay_every, OLD.decay_after)) * 1000000)::bigint;
    new_after constant bigint := (EXTRACT(epoch FROM NEW.decay_after) * 1000000)::bigint;
    new_every constant bigint := (EXTRACT(epoch FROM coalesce(NEW.decay_every, NEW.decay_after)) * 1000000)::bigint;
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    IF OLD.decay_after IS NULL THEN
        -- Decay set (or set again after being turned off): existing scores decay from
        -- their last activity, every step due since counted afresh.
        UPDATE lead_scoring.contact_scores s
           SET state = lead_scoring.state_with_decay_steps(s.state, NEW.group_id, 0),
               maintenance_due_at = '-infinity'
         WHERE s.model_id = NEW.model_id;
        RETURN NULL;
    END IF;
    -- (the row's group is there, by the WHERE clause: the subquery gives one row;
    -- no coalesce, which Citus refuses around a subquery in a distributed UPDATE)
    UPDATE lead_scoring.contact_scores s
       SET state = (
               SELECT lead_scoring.state_with_decay_steps(s.state, NEW.group_id,
                          greatest(0, lead_scoring.decay_steps_due(new_after, new_every, u.last_us, now_us)
                                      - greatest(0, lead_scoring.decay_steps_due(old_after, old_every, u.last_us, now_us)
                                                    - u.decay_steps)))
                 FROM (SELECT g.decay_steps, (EXTRACT(epoch FROM s.last_activity_at) * 1000000)::bigint AS last_us
                         FROM lead_scoring.state_groups(s.state) g WHERE g.group_id = NEW.group_id) u),
           maintenance_due_at = '-infinity'
     WHERE s.model_id = NEW.model_id
       AND EXISTS (SELECT 1 FROM lead_scoring.state_groups(s.state) u WHERE u.group_id = NEW.group_id);
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER reschedule_maintenance AFTER UPDATE OF decay_after, decay_every, decay_points, decay_percent
    ON lead_scoring.point_groups
    FOR EACH ROW WHEN (NEW.decay_after IS NOT NULL AND (OLD.decay_after, OLD.decay_every, OLD.decay_points,
        OLD.decay_percent) IS DISTINCT FROM (NEW.decay_after, NEW.decay_every, NEW.decay_points, NEW.decay_percent))
    EXECUTE FUNCTION lead_scoring.reschedule_maintenance();

-- Edits that change how stored states add up rescore the model at once
-- (lead_scoring.rescore_totals, sql/parts/04_contact_state.sql).
CREATE OR REPLACE FUNCTION lead_scoring.rescore_after_edit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    PERFORM lead_scoring.rescore_totals(NEW.model_id);
    PERFORM lead_scoring.rebuild_band_counts(NEW.model_id);  -- totals moved between bands
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER rescore_after_edit AFTER UPDATE OF max_points, counts_toward_total
    ON lead_scoring.point_groups
    FOR EACH ROW WHEN ((OLD.max_points, OLD.counts_toward_total) IS DISTINCT FROM (NEW.max_points, NEW.counts_toward_total))
    EXECUTE FUNCTION lead_scoring.rescore_after_edit();
CREATE OR REPLACE TRIGGER rescore_after_edit AFTER UPDATE OF min_score, max_score ON lead_scoring.models
    FOR EACH ROW WHEN ((OLD.min_score, OLD.max_score) IS DISTINCT FROM (NEW.min_score, NEW.max_score))
    EXECUTE FUNCTION lead_scoring.rescore_after_edit();

CREATE OR REPLACE FUNCTION lead_scoring.rename_model_scores() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    UPDATE lead_scoring.contact_scores s SET model = NEW.name WHERE s.model_id = NEW.model_id;
    RETURN NULL;
END $$;
-- A model's conversion_event_type changed: its rows' converted_at (which band_summary
-- reads) is worked out again from the stored events.
CREATE OR REPLACE FUNCTION lead_scoring.refresh_conversion_facts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- On Citus, once: on the coordinator (sql/parts/09_citus.sql).
    IF lead_scoring.citus_worker() THEN RETURN NULL; END IF;
    UPDATE lead_scoring.contact_scores s
       SET converted_at = (SELECT min(e.occurred_at) FROM lead_scoring.events e
                            WHERE e.contact_id = s.contact_id AND e.event_type = NEW.conversion_event_type)
     WHERE s.model_id = NEW.model_id;
    PERFORM lead_scoring.rebuild_band_counts(NEW.model_id);
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER refresh_conversion_facts AFTER UPDATE OF conversion_event_type ON lead_scoring.models
    FOR EACH ROW WHEN (OLD.conversion_event_type IS DISTINCT FROM NEW.conversion_event_type)
    EXECUTE FUNCTION lead_scoring.refresh_conversion_facts();

CREATE OR REPLACE TRIGGER rename_scores AFTER UPDATE OF name ON lead_scoring.models
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION lead_scoring.rename_model_scores();

