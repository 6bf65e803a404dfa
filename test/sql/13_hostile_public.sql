-- Extension hygiene: a hostile role that may create objects in public plants
-- look-alikes of the tables, functions and operators the extension uses. A superuser
-- whose search_path puts public before pg_catalog then installs and uses the
-- extension: none of the planted objects is ever called (each one logs its calls).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS lead_scoring CASCADE;
DROP TABLE IF EXISTS public.trap_calls CASCADE;
DROP ROLE IF EXISTS regress_hostile;
RESET client_min_messages;
CREATE ROLE regress_hostile;
GRANT CREATE, USAGE ON SCHEMA public TO regress_hostile;

SET ROLE regress_hostile;
CREATE TABLE public.trap_calls (what text);
GRANT SELECT, INSERT ON public.trap_calls TO PUBLIC;
CREATE FUNCTION public.trap(what text) RETURNS integer LANGUAGE sql
AS $$ INSERT INTO public.trap_calls VALUES (what) RETURNING 1 $$;
GRANT EXECUTE ON FUNCTION public.trap(text) TO PUBLIC;

-- Operators on the types the extension compares and adds, each logging its use and
-- then doing the real thing (so that a capture would not even fail visibly).
DO $plant$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT * FROM (VALUES
        ('=', 'bigint', 'boolean'), ('=', 'integer', 'boolean'), ('=', 'text', 'boolean'),
        ('<', 'numeric', 'boolean'), ('<=', 'numeric', 'boolean'), ('>=', 'numeric', 'boolean'),
        ('>', 'numeric', 'boolean'), ('<>', 'numeric', 'boolean'), ('=', 'numeric', 'boolean'),
        ('+', 'numeric', 'numeric'), ('-', 'numeric', 'numeric'), ('/', 'numeric', 'numeric'),
        ('@>', 'jsonb', 'boolean'), ('-', 'timestamptz', 'interval'), ('<', 'timestamptz', 'boolean'))
        AS t(op, typ, ret)
    LOOP
        EXECUTE format($f$CREATE FUNCTION public.%I(a %s, b %s) RETURNS %s LANGUAGE plpgsql AS $b$
                         BEGIN PERFORM public.trap(%L); RETURN a OPERATOR(pg_catalog.%s) b; END $b$$f$,
                       'trap_op_' || md5(o.op || o.typ), o.typ, o.typ, o.ret,
                       format('operator %s(%s, %s)', o.op, o.typ, o.typ), o.op);
        EXECUTE format('CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.%I)',
                       o.op, o.typ, o.typ, 'trap_op_' || md5(o.op || o.typ));
    END LOOP;
END $plant$;

-- Functions with the names of the ones the extension calls, with argument types
-- that would win over pg_catalog's if public were searched.
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('now()'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION public.unnest(a bigint[]) RETURNS SETOF bigint LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('unnest(bigint[])'); RETURN QUERY SELECT pg_catalog.unnest(a); END $$;
CREATE FUNCTION public.unnest(a integer[]) RETURNS SETOF integer LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('unnest(integer[])'); RETURN QUERY SELECT pg_catalog.unnest(a); END $$;
CREATE FUNCTION public.format(a text, b text) RETURNS text LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('format(text, text)'); RETURN pg_catalog.format(a, b); END $$;
CREATE FUNCTION public.pg_notify(a text, b text) RETURNS void LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('pg_notify(text, text)'); END $$;
CREATE FUNCTION public.current_setting(a text, b boolean) RETURNS text LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('current_setting'); RETURN pg_catalog.current_setting(a, b); END $$;
CREATE FUNCTION public.set_config(a text, b text, c boolean) RETURNS text LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('set_config'); RETURN pg_catalog.set_config(a, b, c); END $$;
CREATE FUNCTION public.jsonb_typeof(a jsonb) RETURNS text LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('jsonb_typeof'); RETURN pg_catalog.jsonb_typeof(a); END $$;
CREATE FUNCTION public.abs(a numeric) RETURNS numeric LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('abs(numeric)'); RETURN pg_catalog.abs(a); END $$;
CREATE FUNCTION public.round(a numeric, b integer) RETURNS numeric LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('round(numeric, integer)'); RETURN pg_catalog.round(a, b); END $$;
CREATE FUNCTION public.trim_scale(a numeric) RETURNS numeric LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('trim_scale'); RETURN pg_catalog.trim_scale(a); END $$;
CREATE FUNCTION public.points_of(a bigint) RETURNS numeric LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('points_of'); RETURN 0; END $$;
CREATE FUNCTION public.jsonpath_is_predicate(a jsonpath) RETURNS boolean LANGUAGE plpgsql
AS $$ BEGIN PERFORM public.trap('jsonpath_is_predicate'); RETURN true; END $$;

-- Tables and views with the extension's table names.
DO $plant$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['models', 'point_groups', 'event_rules', 'attribute_rules', 'thresholds',
                             'bands', 'contacts', 'events', 'contact_scores', 'ledger', 'alerts'] LOOP
        EXECUTE format('CREATE VIEW public.%I AS SELECT x FROM (SELECT public.trap(%L) AS x) s', t, 'table ' || t);
    END LOOP;
END $plant$;
RESET ROLE;

-- The traps work: an unqualified comparison under this search_path is captured.
SET search_path = public, pg_catalog;
SELECT 1::bigint = 1::bigint AS captured;
SELECT x FROM contact_scores;
SELECT now() IS NOT NULL AS captured;
SELECT what FROM public.trap_calls ORDER BY what;
TRUNCATE public.trap_calls;

-- Install and use everything, writing no operator or function of our own.
CREATE EXTENSION lead_scoring;
INSERT INTO lead_scoring.models (name, max_score) VALUES ('m', 100);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) VALUES (1, 'email', 15);
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, condition, points, max_awards, cooldown)
VALUES (1, NULL, 'visit', 'page_visit', NULL, NULL, 10, NULL, NULL),
       (1, NULL, 'pricing', 'page_visit', '{"url": "/pricing"}', NULL, 20, 2, NULL),
       (1, 2, 'open', 'email_open', NULL, '$.campaign starts with "q"', 5, NULL, '1 hour');
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points, required)
VALUES (1, 'big', '$.employees >= 50', 10, true);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, notify_channel) VALUES (1, 'MQL', 30, 'mql');
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type, properties_match)
VALUES (1, 'pricing while warm', 10, 'page_visit', '{"url": "/pricing"}');
INSERT INTO lead_scoring.bands (model_id, name, min_score) VALUES (1, 'cold', 0), (1, 'hot', 30);
INSERT INTO lead_scoring.contacts (contact_id, attributes) VALUES (1, '{"employees": 80}');
INSERT INTO lead_scoring.events (contact_id, event_type, properties)
VALUES (1, 'page_visit', '{"url": "/pricing"}'), (1, 'email_open', '{"campaign": "q3"}'), (2, 'page_visit', '{}');
UPDATE lead_scoring.contacts SET attributes = '{"employees": 90, "country": "PL"}';
SELECT lead_scoring.adjust('m', 1, 5, 'met at a fair');
SELECT lead_scoring.reset('m', 2, 'stage change');
SELECT model, contact_id, score, band, qualified FROM lead_scoring.scores ORDER BY contact_id;
SELECT model, point_group, contact_id, score FROM lead_scoring.group_scores ORDER BY contact_id, point_group;
SELECT contact_id, score, rank FROM lead_scoring.leaderboard ORDER BY rank;
SELECT model, band, contacts FROM lead_scoring.band_summary;
SELECT point_group, source, rule, points FROM lead_scoring.explain('m', 1);
SELECT contact_id, score FROM lead_scoring.alerts ORDER BY alert_id;
SELECT models, event_rules FROM lead_scoring.rule_cache_stats();
SELECT relation, rows FROM lead_scoring.forget_contact(2);
UPDATE lead_scoring.event_rules SET points = 11;
UPDATE lead_scoring.models SET name = 'm2';
DELETE FROM lead_scoring.models;
RESET search_path;

SELECT what, count(*) AS calls FROM public.trap_calls GROUP BY what ORDER BY what;

SET client_min_messages = warning;
DROP EXTENSION lead_scoring CASCADE;
DROP OWNED BY regress_hostile CASCADE;
DROP ROLE regress_hostile;
RESET client_min_messages;
