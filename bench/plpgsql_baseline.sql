-- The PL/pgSQL baseline: the same scoring as lead_scoring, written the way a competent
-- user would write it without the extension, in its own schema `plbase`.
--
-- Run after bench/setup.sql in the same database. It copies the benchmark model's rule
-- tables (keeping their ids, so ledgers can be compared rule by rule) and the contacts,
-- precomputes every contact's fit, and installs a row-level AFTER INSERT trigger on
-- plbase.events that, per event and per active model:
--   * locks (or creates, for an unknown contact) the contact's score row,
--   * picks per point group the most specific matching rule (event_type equal,
--     properties @> properties_match, properties @@ condition; most top-level keys in
--     properties_match, then having a condition, then the lowest rule_id),
--   * applies max_awards and cooldown (plbase.award_counts; a limited rule does not
--     fall back to a less specific one), cuts positive awards to the group's cap
--     (never negative ones; a cut award still counts for the limits),
--   * writes a ledger row per award, recomputes the total (caps, counts_toward_total,
--     clamp to the model's min/max) and updates the score row,
--   * writes an alert when the total or a group score crosses a threshold upward, and
--     for event thresholds on every matching event while the score is >= min_score.
-- The physical design mirrors the extension's where they do the same job (a score row
-- per contact and model with fillfactor 80 and a (model, score desc) rank index, a
-- ledger with an index by contact and no primary-key index, alerts as in the
-- extension), so the comparison measures the scoring code, not a different schema.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS plbase CASCADE;
CREATE SCHEMA plbase;

-- Number of top-level keys of a properties_match (its specificity).
CREATE FUNCTION plbase.key_count(j jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN j IS NULL THEN 0 ELSE (SELECT count(*)::integer FROM jsonb_object_keys(j)) END;

---------------------------------------------------------------------------
-- Rule tables: own copies of the model
---------------------------------------------------------------------------
CREATE TABLE plbase.models (
    model_id  integer PRIMARY KEY,
    name      text NOT NULL UNIQUE,
    min_score numeric,
    max_score numeric,
    active    boolean NOT NULL DEFAULT true
);
CREATE TABLE plbase.point_groups (
    group_id            integer PRIMARY KEY,
    model_id            integer NOT NULL REFERENCES plbase.models,
    name                text NOT NULL,
    max_points          numeric,
    counts_toward_total boolean NOT NULL DEFAULT true,
    UNIQUE (model_id, name)
);
CREATE TABLE plbase.event_rules (
    rule_id          bigint PRIMARY KEY,
    model_id         integer NOT NULL REFERENCES plbase.models,
    group_id         integer NOT NULL REFERENCES plbase.point_groups,
    name             text,
    event_type       text NOT NULL,
    properties_match jsonb,
    condition        jsonpath,
    points           numeric NOT NULL,
    max_awards       integer,
    cooldown         interval,
    active           boolean NOT NULL DEFAULT true,
    match_keys       integer GENERATED ALWAYS AS (plbase.key_count(properties_match)) STORED
);
CREATE INDEX ON plbase.event_rules (event_type, model_id);
CREATE TABLE plbase.attribute_rules (
    rule_id   bigint PRIMARY KEY,
    model_id  integer NOT NULL REFERENCES plbase.models,
    group_id  integer NOT NULL REFERENCES plbase.point_groups,
    name      text,
    condition jsonpath NOT NULL,
    points    numeric NOT NULL,
    required  boolean NOT NULL DEFAULT false,
    active    boolean NOT NULL DEFAULT true
);
CREATE INDEX ON plbase.attribute_rules (model_id);
CREATE TABLE plbase.thresholds (
    threshold_id     bigint PRIMARY KEY,
    model_id         integer NOT NULL REFERENCES plbase.models,
    group_id         integer REFERENCES plbase.point_groups,
    name             text NOT NULL,
    min_score        numeric NOT NULL,
    event_type       text,
    properties_match jsonb,
    active           boolean NOT NULL DEFAULT true
);
CREATE INDEX ON plbase.thresholds (model_id);

INSERT INTO plbase.models (model_id, name, min_score, max_score, active)
SELECT model_id, name, min_score, max_score, active FROM lead_scoring.models;
INSERT INTO plbase.point_groups (group_id, model_id, name, max_points, counts_toward_total)
SELECT group_id, model_id, name, max_points, counts_toward_total FROM lead_scoring.point_groups;
INSERT INTO plbase.event_rules (rule_id, model_id, group_id, name, event_type, properties_match, condition,
                                points, max_awards, cooldown, active)
SELECT rule_id, model_id, group_id, name, event_type, properties_match, condition,
       points, max_awards, cooldown, active FROM lead_scoring.event_rules;
INSERT INTO plbase.attribute_rules (rule_id, model_id, group_id, name, condition, points, required, active)
SELECT rule_id, model_id, group_id, name, condition, points, required, active FROM lead_scoring.attribute_rules;
INSERT INTO plbase.thresholds (threshold_id, model_id, group_id, name, min_score, event_type, properties_match, active)
SELECT threshold_id, model_id, group_id, name, min_score, event_type, properties_match, active FROM lead_scoring.thresholds;

---------------------------------------------------------------------------
-- Contacts, events, and what scoring writes
---------------------------------------------------------------------------
CREATE TABLE plbase.contacts (
    contact_id bigint PRIMARY KEY,
    attributes jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO plbase.contacts (contact_id, attributes) SELECT contact_id, attributes FROM lead_scoring.contacts;

-- Same columns, key and index as lead_scoring.events.
CREATE TABLE plbase.events (
    event_id    bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    contact_id  bigint NOT NULL,
    event_type  text NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    properties  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX ON plbase.events (contact_id, occurred_at);

-- One row per contact and model; per-group fit points and behavioural balances as
-- jsonb objects keyed by group_id (one row update per event, however many groups).
CREATE TABLE plbase.scores (
    model_id         integer NOT NULL,
    contact_id       bigint NOT NULL,
    score            numeric NOT NULL DEFAULT 0,
    fit_score        numeric NOT NULL DEFAULT 0,
    behavior_score   numeric NOT NULL DEFAULT 0,
    qualified        boolean NOT NULL DEFAULT true,
    group_fit        jsonb NOT NULL DEFAULT '{}',
    group_balance    jsonb NOT NULL DEFAULT '{}',
    last_activity_at timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, contact_id)
) WITH (fillfactor = 80);
CREATE INDEX scores_rank_idx ON plbase.scores (model_id, score DESC, contact_id);

-- Awards of rules with max_awards or cooldown, per contact.
CREATE TABLE plbase.award_counts (
    contact_id    bigint NOT NULL,
    rule_id       bigint NOT NULL,
    awards        integer NOT NULL,
    last_award_at timestamptz NOT NULL,
    PRIMARY KEY (contact_id, rule_id)
);

CREATE TABLE plbase.ledger (
    entry_id    bigint GENERATED ALWAYS AS IDENTITY (CACHE 100),
    model_id    integer NOT NULL,
    group_id    integer NOT NULL,
    contact_id  bigint NOT NULL,
    delta       numeric NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('rule', 'manual', 'decay', 'expiry', 'reset')),
    rule_id     bigint,
    event_id    bigint,
    occurred_at timestamptz,
    reason      text,
    actor       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON plbase.ledger (contact_id, model_id);

CREATE TABLE plbase.alerts (
    alert_id        bigint GENERATED BY DEFAULT AS IDENTITY (CACHE 100) PRIMARY KEY,
    threshold_id    bigint NOT NULL,
    model_id        integer NOT NULL,
    contact_id      bigint NOT NULL,
    score           numeric NOT NULL,
    event_id        bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz
);
CREATE INDEX ON plbase.alerts (contact_id);
CREATE INDEX ON plbase.alerts (created_at) WHERE acknowledged_at IS NULL;

CREATE VIEW plbase.group_scores AS
SELECT s.model_id, g.name AS point_group, s.contact_id,
       CASE WHEN g.max_points IS NULL THEN x.f + x.b ELSE least(x.f + x.b, g.max_points) END AS score,
       x.f AS fit_score, x.b AS behavior_score
  FROM plbase.scores s
  JOIN plbase.point_groups g ON g.model_id = s.model_id
 CROSS JOIN LATERAL (SELECT coalesce((s.group_fit ->> g.group_id::text)::numeric, 0) AS f,
                            coalesce((s.group_balance ->> g.group_id::text)::numeric, 0) AS b) x;

---------------------------------------------------------------------------
-- Fit (attribute rules) and totals
---------------------------------------------------------------------------

-- Fit points per group of a contact's attributes, and whether every required rule holds.
CREATE FUNCTION plbase.fit_of(p_model_id integer, p_attributes jsonb, OUT group_fit jsonb, OUT qualified boolean)
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT jsonb_object_agg(x.group_id::text, x.points)
                       FROM (SELECT ar.group_id, sum(ar.points) AS points
                               FROM plbase.attribute_rules ar
                              WHERE ar.model_id = p_model_id AND ar.active
                                AND coalesce(p_attributes @@ ar.condition, false)
                              GROUP BY ar.group_id) x), '{}'::jsonb),
           NOT EXISTS (SELECT 1 FROM plbase.attribute_rules ar
                        WHERE ar.model_id = p_model_id AND ar.active AND ar.required
                          AND NOT coalesce(p_attributes @@ ar.condition, false))
$$;

-- Total (caps, counts_toward_total, clamp), fit and behaviour sums of a score state.
CREATE FUNCTION plbase.totals_of(p_model_id integer, p_fit jsonb, p_balance jsonb,
                                 OUT score numeric, OUT fit_score numeric, OUT behavior_score numeric)
LANGUAGE sql STABLE AS $$
    SELECT least(greatest(coalesce(sum(CASE WHEN g.max_points IS NULL THEN x.f + x.b
                                            ELSE least(x.f + x.b, g.max_points) END), 0),
                          m.min_score), m.max_score),
           coalesce(sum(x.f), 0), coalesce(sum(x.b), 0)
      FROM plbase.models m
      LEFT JOIN plbase.point_groups g ON g.model_id = m.model_id AND g.counts_toward_total
      LEFT JOIN LATERAL (SELECT coalesce((p_fit ->> g.group_id::text)::numeric, 0) AS f,
                                coalesce((p_balance ->> g.group_id::text)::numeric, 0) AS b) x ON true
     WHERE m.model_id = p_model_id
     GROUP BY m.model_id, m.min_score, m.max_score
$$;

-- Precompute every known contact's fit (the benchmark inserts only events).
INSERT INTO plbase.scores (model_id, contact_id, group_fit, qualified)
SELECT m.model_id, c.contact_id, f.group_fit, f.qualified
  FROM plbase.models m CROSS JOIN plbase.contacts c
 CROSS JOIN LATERAL plbase.fit_of(m.model_id, c.attributes) f
 WHERE m.active;
UPDATE plbase.scores s SET (score, fit_score, behavior_score) =
       (SELECT t.score, t.fit_score, t.behavior_score FROM plbase.totals_of(s.model_id, s.group_fit, s.group_balance) t);

---------------------------------------------------------------------------
-- The scoring trigger
---------------------------------------------------------------------------
CREATE FUNCTION plbase.score_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m          record;
    r          record;
    s          plbase.scores%ROWTYPE;
    a          plbase.award_counts%ROWTYPE;
    is_new     boolean;
    old_score  numeric;
    old_fit    jsonb;
    old_bal    jsonb;
    gkey       text;
    cur        numeric;
    delta      numeric;
    awarded    integer;
BEGIN
    FOR m IN SELECT mo.model_id, mo.min_score, mo.max_score FROM plbase.models mo WHERE mo.active ORDER BY mo.model_id
    LOOP
        SELECT * INTO s FROM plbase.scores
         WHERE model_id = m.model_id AND contact_id = NEW.contact_id FOR UPDATE;
        is_new := NOT FOUND;
        IF is_new THEN
            -- An unknown contact: create it (empty attributes) and its score row with its fit.
            INSERT INTO plbase.contacts (contact_id) VALUES (NEW.contact_id) ON CONFLICT DO NOTHING;
            INSERT INTO plbase.scores (model_id, contact_id, group_fit, qualified)
            SELECT m.model_id, c.contact_id, f.group_fit, f.qualified
              FROM plbase.contacts c CROSS JOIN LATERAL plbase.fit_of(m.model_id, c.attributes) f
             WHERE c.contact_id = NEW.contact_id
            ON CONFLICT DO NOTHING;
            SELECT * INTO s FROM plbase.scores
             WHERE model_id = m.model_id AND contact_id = NEW.contact_id FOR UPDATE;
            old_score := 0;           -- a contact that did not exist counts as 0
            old_fit := '{}';
            old_bal := '{}';
        ELSE
            old_score := s.score;
            old_fit := s.group_fit;
            old_bal := s.group_balance;
        END IF;

        awarded := 0;
        FOR r IN
            SELECT DISTINCT ON (er.group_id) er.rule_id, er.group_id, er.points, er.max_awards, er.cooldown, g.max_points
              FROM plbase.event_rules er
              JOIN plbase.point_groups g ON g.group_id = er.group_id
             WHERE er.model_id = m.model_id AND er.event_type = NEW.event_type AND er.active
               AND (er.properties_match IS NULL OR NEW.properties @> er.properties_match)
               AND (er.condition IS NULL OR NEW.properties @@ er.condition)
             ORDER BY er.group_id, er.match_keys DESC, (er.condition IS NOT NULL) DESC, er.rule_id
        LOOP
            IF r.max_awards IS NOT NULL OR r.cooldown IS NOT NULL THEN
                -- the score row lock above serializes this contact's awards
                SELECT * INTO a FROM plbase.award_counts WHERE contact_id = NEW.contact_id AND rule_id = r.rule_id;
                IF FOUND THEN
                    CONTINUE WHEN r.max_awards IS NOT NULL AND a.awards >= r.max_awards;
                    CONTINUE WHEN r.cooldown IS NOT NULL AND NEW.occurred_at - a.last_award_at < r.cooldown;
                    UPDATE plbase.award_counts SET awards = awards + 1, last_award_at = NEW.occurred_at
                     WHERE contact_id = NEW.contact_id AND rule_id = r.rule_id;
                ELSE
                    INSERT INTO plbase.award_counts (contact_id, rule_id, awards, last_award_at)
                    VALUES (NEW.contact_id, r.rule_id, 1, NEW.occurred_at);
                END IF;
            END IF;
            gkey := r.group_id::text;
            cur := coalesce((s.group_balance ->> gkey)::numeric, 0);
            delta := r.points;
            IF r.max_points IS NOT NULL AND delta > 0 THEN
                -- the balance never grows past what the cap can show
                delta := least(delta, greatest(0, r.max_points - coalesce((s.group_fit ->> gkey)::numeric, 0) - cur));
            END IF;
            s.group_balance := jsonb_set(s.group_balance, ARRAY[gkey], to_jsonb(cur + delta));
            INSERT INTO plbase.ledger (model_id, group_id, contact_id, delta, kind, rule_id, event_id, occurred_at)
            VALUES (m.model_id, r.group_id, NEW.contact_id, delta, 'rule', r.rule_id, NEW.event_id, NEW.occurred_at);
            awarded := awarded + 1;
        END LOOP;

        IF awarded > 0 OR is_new THEN
            SELECT least(greatest(coalesce(sum(CASE WHEN g.max_points IS NULL THEN x.f + x.b
                                                    ELSE least(x.f + x.b, g.max_points) END), 0),
                                  m.min_score), m.max_score),
                   coalesce(sum(x.f), 0), coalesce(sum(x.b), 0)
              INTO s.score, s.fit_score, s.behavior_score
              FROM plbase.point_groups g
             CROSS JOIN LATERAL (SELECT coalesce((s.group_fit ->> g.group_id::text)::numeric, 0) AS f,
                                        coalesce((s.group_balance ->> g.group_id::text)::numeric, 0) AS b) x
             WHERE g.model_id = m.model_id AND g.counts_toward_total;
        END IF;

        UPDATE plbase.scores
           SET score = s.score, fit_score = s.fit_score, behavior_score = s.behavior_score,
               group_balance = s.group_balance,
               last_activity_at = greatest(s.last_activity_at, NEW.occurred_at), updated_at = now()
         WHERE model_id = m.model_id AND contact_id = NEW.contact_id;

        -- Thresholds on the total (group_id null) or on a capped group score: a crossing
        -- from < min_score to >= min_score, or, for an event threshold, a matching event
        -- after which the score is >= min_score.
        INSERT INTO plbase.alerts (threshold_id, model_id, contact_id, score, event_id)
        SELECT t.threshold_id, m.model_id, NEW.contact_id, v.now_value, NEW.event_id
          FROM plbase.thresholds t
          LEFT JOIN plbase.point_groups g ON g.group_id = t.group_id
         CROSS JOIN LATERAL (
               SELECT CASE WHEN t.group_id IS NULL THEN old_score
                           ELSE least(coalesce((old_fit ->> gk)::numeric, 0) + coalesce((old_bal ->> gk)::numeric, 0),
                                      coalesce(g.max_points, 'Infinity')) END AS was_value,
                      CASE WHEN t.group_id IS NULL THEN s.score
                           ELSE least(coalesce((s.group_fit ->> gk)::numeric, 0) + coalesce((s.group_balance ->> gk)::numeric, 0),
                                      coalesce(g.max_points, 'Infinity')) END AS now_value
                 FROM (SELECT t.group_id::text AS gk) k) v
         WHERE t.model_id = m.model_id AND t.active
           AND CASE WHEN t.event_type IS NULL
                    THEN v.was_value < t.min_score AND v.now_value >= t.min_score
                    ELSE t.event_type = NEW.event_type
                         AND (t.properties_match IS NULL OR NEW.properties @> t.properties_match)
                         AND v.now_value >= t.min_score END;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER score AFTER INSERT ON plbase.events
    FOR EACH ROW EXECUTE FUNCTION plbase.score_event();

VACUUM ANALYZE plbase.models, plbase.point_groups, plbase.event_rules, plbase.attribute_rules,
    plbase.thresholds, plbase.contacts, plbase.events, plbase.scores, plbase.award_counts,
    plbase.ledger, plbase.alerts;
