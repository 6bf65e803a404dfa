---------------------------------------------------------------------------
-- Absence rules: refuse bad definitions when written (SPEC "Absence rules")
---------------------------------------------------------------------------

-- A rule: an anchor and an expected event (types of at most 1000 bytes, matches
-- that are JSON objects) that are not the same filter (every anchor would be its
-- own expected event), plain correlate_by and deadline_property keys, a
-- deadline_after from 0 to 1000 years (as scoring counts it), points a valid
-- amount, a group of the model without a sliding window (a penalty is not an award
-- that expires).
CREATE OR REPLACE FUNCTION lead_scoring.validate_absence_rule() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on  -- reads rule tables on a Citus worker's placement
AS $$
DECLARE
    what text;
BEGIN
    NEW.name := coalesce(NEW.name, format('%s without %s', NEW.anchor_event_type, NEW.expected_event_type));
    what := format('absence rule "%s"', NEW.name);
    PERFORM lead_scoring.check_length(what, 'name', NEW.name, 200);
    IF NEW.anchor_event_type IS NULL OR NEW.expected_event_type IS NULL THEN
        RAISE EXCEPTION '%: anchor_event_type and expected_event_type must not be null', what
            USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_length(what, 'anchor_event_type', NEW.anchor_event_type, 1000);
    PERFORM lead_scoring.check_length(what, 'expected_event_type', NEW.expected_event_type, 1000);
    PERFORM lead_scoring.check_match(what || ' anchor_match', NEW.anchor_match);
    PERFORM lead_scoring.check_match(what || ' expected_match', NEW.expected_match);
    IF NEW.anchor_event_type = NEW.expected_event_type
       AND NEW.anchor_match IS NOT DISTINCT FROM NEW.expected_match THEN
        RAISE EXCEPTION '%: the anchor and the expected event are the same filter (%, %)', what,
              NEW.anchor_event_type, coalesce(NEW.anchor_match::text, 'any properties')
            USING ERRCODE = 'check_violation',
                  HINT = 'Tell them apart with anchor_match and expected_match, e.g. {"action": "registered"} and {"action": "attended"}.';
    END IF;
    PERFORM lead_scoring.check_property_key(what, 'correlate_by', NEW.correlate_by);
    PERFORM lead_scoring.check_property_key(what, 'deadline_property', NEW.deadline_property);
    IF NEW.deadline_after IS NULL THEN
        RAISE EXCEPTION '%: deadline_after must not be null (0: the anchor''s time itself)', what
            USING ERRCODE = 'not_null_violation';
    ELSIF EXTRACT(epoch FROM NEW.deadline_after) < 0 THEN
        RAISE EXCEPTION '%: deadline_after % is negative', what, NEW.deadline_after
            USING ERRCODE = 'check_violation',
                  HINT = 'Scoring counts a day as 24 hours, a month as 30 days and a year as 365.25 days.';
    ELSIF EXTRACT(epoch FROM NEW.deadline_after) > 0 THEN
        PERFORM lead_scoring.check_interval(what, 'deadline_after', NEW.deadline_after);
    END IF;
    IF NEW.points IS NULL THEN
        RAISE EXCEPTION '%: points must not be null', what USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM lead_scoring.check_points(what || ' points', NEW.points);
    NEW.group_id := lead_scoring.resolve_group(what, NEW.model_id, NEW.group_id);
    IF EXISTS (SELECT 1 FROM lead_scoring.point_groups g WHERE g.group_id = NEW.group_id AND g.window_size IS NOT NULL) THEN
        RAISE EXCEPTION '%: point group % has a sliding window; an absence penalty cannot expire', what, NEW.group_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER validate BEFORE INSERT OR UPDATE ON lead_scoring.absence_rules
    FOR EACH ROW WHEN (NOT lead_scoring.restoring()) EXECUTE FUNCTION lead_scoring.validate_absence_rule();
