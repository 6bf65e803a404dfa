-- lead_scoring 0.1 -> 0.2 (ALTER EXTENSION lead_scoring UPDATE), built by the Makefile:
-- this file, then every definition part (sql/parts/04_* on: functions, triggers,
-- views, grants, pg_dump marks, all written with CREATE OR REPLACE or otherwise
-- safe to run again), which brings every definition to 0.2's.
--
-- Here goes what cannot simply be run again: changes to tables, columns,
-- constraints and types (columns new in 0.2 come last, as in a fresh install, with
-- defaults and set-based backfills), and DROPs of definitions 0.2 no longer has or
-- whose signature or return type changed. test/t/003_upgrade.pl checks that an
-- updated database keeps every row and has exactly a fresh install's catalog.
\echo Use "ALTER EXTENSION lead_scoring UPDATE" to load this file. \quit

-- Event times scoring can compute with (issue 13; sql/parts/02_contact_tables.sql).
-- Events already stored outside those years (0.1 took 'infinity') keep the
-- constraint unvalidated, with a warning, rather than failing the update.
ALTER TABLE lead_scoring.events ADD CONSTRAINT occurred_at_from_year_1_to_9999
    CHECK (occurred_at >= '0001-01-01 00:00:00+00' AND occurred_at < '10000-01-01 00:00:00+00') NOT VALID;
DO $$
DECLARE
    outside bigint;
BEGIN
    SELECT count(*) INTO outside FROM lead_scoring.events e
     WHERE NOT (e.occurred_at >= '0001-01-01 00:00:00+00' AND e.occurred_at < '10000-01-01 00:00:00+00');
    IF outside = 0 THEN
        ALTER TABLE lead_scoring.events VALIDATE CONSTRAINT occurred_at_from_year_1_to_9999;
    ELSE
        RAISE WARNING 'lead_scoring: % events have an occurred_at outside the years 1 to 9999; new ones are refused', outside
            USING HINT = 'Correct or delete them (forget_contact, or UPDATE lead_scoring.events), then run ALTER TABLE '
                         'lead_scoring.events VALIDATE CONSTRAINT occurred_at_from_year_1_to_9999.';
    END IF;
END $$;

-- One serialised contact state (issue 20; sql/parts/03_internal_tables.sql): 0.1's
-- fifteen parallel arrays of each score row become the `state` column, written by
-- the core's serialiser, and the window awards become rows of their own table.
-- Arrays of one kind that differ in length (0.1 cut them silently) stop the update
-- with an error naming the contact. The group scores the state stores are worked
-- out by the core under each model's groups (as 0.1's views did: no score changes).
-- group_scores reads the arrays, so it is dropped here and created again by the
-- definitions that follow (a user's view built on it would stop the update: drop it
-- first and create it again after).
CREATE TABLE lead_scoring.window_awards (
    contact_id  bigint NOT NULL,
    model_id    integer NOT NULL,
    group_id    integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    event_id    bigint NOT NULL,
    rule_id     bigint NOT NULL,
    points      numeric NOT NULL,
    PRIMARY KEY (contact_id, model_id, group_id, occurred_at, event_id)
);
DO $$
DECLARE
    bad record;
BEGIN
    SELECT s.contact_id, s.model_id INTO bad FROM lead_scoring.contact_scores s
     WHERE cardinality(s.window_group_ids) <> ALL (ARRAY[cardinality(s.window_occurred_at), cardinality(s.window_units),
                                                      cardinality(s.window_rule_ids), cardinality(s.window_event_ids)])
        OR cardinality(s.window_occurred_at) <> ALL (ARRAY[cardinality(s.window_units),
                                                        cardinality(s.window_rule_ids), cardinality(s.window_event_ids)])
        OR cardinality(s.window_units) <> ALL (ARRAY[cardinality(s.window_rule_ids), cardinality(s.window_event_ids)])
        OR cardinality(s.window_rule_ids) <> cardinality(s.window_event_ids)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'lead_scoring: the window arrays of contact % in model % differ in length; the state cannot be carried over',
              bad.contact_id, bad.model_id
            USING ERRCODE = 'data_corrupted',
                  HINT = 'Rebuild the contact with lead_scoring.recompute under 0.1, then update again.';
    END IF;
END $$;
INSERT INTO lead_scoring.window_awards (contact_id, model_id, group_id, occurred_at, event_id, rule_id, points)
SELECT s.contact_id, s.model_id, w.group_id, w.occurred_at, w.event_id, w.rule_id, lead_scoring.points_of(w.units)
  FROM lead_scoring.contact_scores s,
       unnest(s.window_group_ids, s.window_occurred_at, s.window_units, s.window_rule_ids, s.window_event_ids)
           AS w(group_id, occurred_at, units, rule_id, event_id);
CREATE FUNCTION lead_scoring.state_from_arrays(integer, bigint, integer[], bigint[], bigint[], bigint[],
    bigint[], integer[], bigint[], bigint[], integer[], timestamptz[]) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lead_scoring_state_from_arrays' LANGUAGE C IMMUTABLE;
DROP VIEW lead_scoring.group_scores;
ALTER TABLE lead_scoring.contact_scores ADD COLUMN state bytea NOT NULL DEFAULT '\x01000000';
UPDATE lead_scoring.contact_scores s
   SET state = lead_scoring.state_from_arrays(s.model_id, s.contact_id,
           s.group_ids, s.group_fit_units, s.group_balance_units, s.group_decay_steps,
           s.fit_rule_ids, s.fit_rule_groups, s.fit_rule_units,
           s.limit_rule_ids, s.limit_awards, s.limit_last_at);
ALTER TABLE lead_scoring.contact_scores
    DROP COLUMN group_ids, DROP COLUMN group_fit_units, DROP COLUMN group_balance_units,
    DROP COLUMN fit_rule_ids, DROP COLUMN fit_rule_groups, DROP COLUMN fit_rule_units,
    DROP COLUMN limit_rule_ids, DROP COLUMN limit_awards, DROP COLUMN limit_last_at,
    DROP COLUMN group_decay_steps, DROP COLUMN window_group_ids, DROP COLUMN window_occurred_at,
    DROP COLUMN window_units, DROP COLUMN window_rule_ids, DROP COLUMN window_event_ids;
DROP TYPE lead_scoring.maintained_state;
DROP FUNCTION lead_scoring.state_from_arrays(integer, bigint, integer[], bigint[], bigint[], bigint[],
    bigint[], integer[], bigint[], bigint[], integer[], timestamptz[]);

-- contact_scores keyed by contact first, its unique key kept by contact_score_keys
-- instead of a unique index (issue 13: many one-row inserts in one transaction;
-- sql/parts/03_internal_tables.sql).
CREATE TABLE lead_scoring.contact_score_keys (
    contact_id bigint NOT NULL,
    model_id   integer NOT NULL,
    PRIMARY KEY (contact_id, model_id)
);
INSERT INTO lead_scoring.contact_score_keys (contact_id, model_id)
    SELECT s.contact_id, s.model_id FROM lead_scoring.contact_scores s ORDER BY 1, 2;
ALTER TABLE lead_scoring.contact_scores DROP CONSTRAINT contact_scores_pkey;
ALTER TABLE lead_scoring.contact_scores REPLICA IDENTITY FULL;
CREATE INDEX contact_scores_key_idx ON lead_scoring.contact_scores (contact_id, model_id);

-- The ledger's kinds come from the core's one list (issue 20: a rule kind is added
-- in one place; sql/parts/03_internal_tables.sql).
CREATE FUNCTION lead_scoring.ledger_kinds(names_event_rule boolean DEFAULT NULL) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lead_scoring_ledger_kinds' LANGUAGE C IMMUTABLE PARALLEL SAFE;
ALTER TABLE lead_scoring.ledger DROP CONSTRAINT ledger_kind_check,
    ADD CONSTRAINT ledger_kind_check CHECK (kind OPERATOR(pg_catalog.=) ANY (lead_scoring.ledger_kinds()));

-- Attribute history (issue 14; sql/parts/03_internal_tables.sql). 0.1 kept none: each
-- existing contact starts with one change, at its created_at, to its current
-- attributes (what 0.1's recompute and evaluate assumed for its whole history).
CREATE TABLE lead_scoring.contact_attribute_history (
    contact_id bigint NOT NULL,
    changed_at timestamptz NOT NULL,
    change_id  bigint GENERATED ALWAYS AS IDENTITY (CACHE 100),
    attributes jsonb NOT NULL,
    actor      text NOT NULL,
    PRIMARY KEY (contact_id, changed_at, change_id)
);
INSERT INTO lead_scoring.contact_attribute_history (contact_id, changed_at, attributes, actor)
SELECT c.contact_id, c.created_at, c.attributes, 'lead_scoring 0.1 (before the history)'
  FROM lead_scoring.contacts c ORDER BY c.contact_id;
-- Contact times the history can be ordered by (as for events).
ALTER TABLE lead_scoring.contacts ADD CONSTRAINT updated_at_from_year_1_to_9999
    CHECK (updated_at >= '0001-01-01 00:00:00+00' AND updated_at < '10000-01-01 00:00:00+00') NOT VALID;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM lead_scoring.contacts c
                    WHERE NOT (c.updated_at >= '0001-01-01 00:00:00+00' AND c.updated_at < '10000-01-01 00:00:00+00')) THEN
        ALTER TABLE lead_scoring.contacts VALIDATE CONSTRAINT updated_at_from_year_1_to_9999;
    ELSE
        RAISE WARNING 'lead_scoring: some contacts have an updated_at outside the years 1 to 9999; new ones are refused';
    END IF;
END $$;

-- Conversion facts kept with the scores (issue 15; sql/parts/03_internal_tables.sql),
-- worked out once from the stored events.
ALTER TABLE lead_scoring.contact_scores ADD COLUMN first_event_at timestamptz, ADD COLUMN converted_at timestamptz;
UPDATE lead_scoring.contact_scores s
   SET first_event_at = f.first_event_at, converted_at = f.converted_at
  FROM (SELECT m.model_id, e.contact_id, min(e.occurred_at) AS first_event_at,
               min(e.occurred_at) FILTER (WHERE e.event_type = m.conversion_event_type) AS converted_at
          FROM lead_scoring.models m JOIN lead_scoring.events e ON true
         GROUP BY m.model_id, e.contact_id) f
 WHERE s.model_id = f.model_id AND s.contact_id = f.contact_id;

-- Combination rules (issue 16; sql/parts/01_rule_tables.sql and
-- 03_internal_tables.sql): new tables, empty in a database coming from 0.1.
CREATE TABLE lead_scoring.combination_rules (
    rule_id      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    model_id     integer NOT NULL REFERENCES lead_scoring.models ON DELETE CASCADE,
    group_id     integer,
    name         text,
    correlate_by text,
    active       boolean NOT NULL DEFAULT true,
    FOREIGN KEY (group_id, model_id) REFERENCES lead_scoring.point_groups (group_id, model_id) ON DELETE CASCADE
);
CREATE TABLE lead_scoring.combination_facts (
    rule_id          bigint NOT NULL REFERENCES lead_scoring.combination_rules ON DELETE CASCADE,
    fact             text NOT NULL,
    event_type       text NOT NULL,
    properties_match jsonb,
    condition        jsonpath,
    PRIMARY KEY (rule_id, fact)
);
CREATE TABLE lead_scoring.combination_tiers (
    tier_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    rule_id bigint NOT NULL REFERENCES lead_scoring.combination_rules ON DELETE CASCADE,
    facts   text[] NOT NULL,
    points  numeric NOT NULL
);
CREATE INDEX combination_tiers_rule_idx ON lead_scoring.combination_tiers (rule_id);
CREATE TABLE lead_scoring.combination_sets (
    contact_id  bigint NOT NULL,
    model_id    integer NOT NULL,
    rule_id     bigint NOT NULL,
    correlation text NOT NULL,
    facts       text[] NOT NULL,
    points      numeric NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (contact_id, model_id, rule_id, correlation)
);

-- Absence rules (issue 16; sql/parts/01_rule_tables.sql and 03_internal_tables.sql).
CREATE TABLE lead_scoring.absence_rules (
    rule_id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    model_id            integer NOT NULL REFERENCES lead_scoring.models ON DELETE CASCADE,
    group_id            integer,
    name                text,
    anchor_event_type   text NOT NULL,
    anchor_match        jsonb,
    expected_event_type text NOT NULL,
    expected_match      jsonb,
    correlate_by        text,
    deadline_property   text,
    deadline_after      interval NOT NULL DEFAULT '0',
    points              numeric NOT NULL,
    active              boolean NOT NULL DEFAULT true,
    FOREIGN KEY (group_id, model_id) REFERENCES lead_scoring.point_groups (group_id, model_id) ON DELETE CASCADE
);
CREATE TABLE lead_scoring.absence_deadlines (
    contact_id      bigint NOT NULL,
    model_id        integer NOT NULL,
    rule_id         bigint NOT NULL,
    correlation     text NOT NULL,
    anchor_event_id bigint,
    deadline_at     timestamptz,
    expected_at     timestamptz,
    penalty         numeric,
    taken_back      boolean NOT NULL DEFAULT false,
    due_at          timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (contact_id, model_id, rule_id, correlation)
);
CREATE INDEX absence_deadlines_due_idx
    ON lead_scoring.absence_deadlines (contact_id, model_id, due_at) WHERE due_at IS NOT NULL;

-- Predictive scoring (issue 17; sql/parts/01_rule_tables.sql, 03_internal_tables.sql).
CREATE TABLE lead_scoring.predictive_features (
    feature_id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    model_id         integer NOT NULL REFERENCES lead_scoring.models ON DELETE CASCADE,
    name             text NOT NULL,
    kind             text NOT NULL,
    event_type       text,
    properties_match jsonb,
    condition        jsonpath,
    path             jsonpath,
    transform        text NOT NULL DEFAULT 'none',
    min_count        integer NOT NULL DEFAULT 30,
    UNIQUE (model_id, name)
);
CREATE TABLE lead_scoring.predictive_fits (
    model_id   integer PRIMARY KEY REFERENCES lead_scoring.models ON DELETE CASCADE,
    fit_id     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- each train() a new one: live states name theirs
    trained_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    as_of      timestamptz NOT NULL,
    l2         double precision NOT NULL,
    contacts   bigint NOT NULL,
    converted  bigint NOT NULL,
    auc        double precision,
    rules_auc  double precision,
    iterations integer NOT NULL,
    features   jsonb NOT NULL
);
CREATE TABLE lead_scoring.predictive_terms (
    model_id    integer NOT NULL REFERENCES lead_scoring.predictive_fits ON DELETE CASCADE,
    term_no     integer NOT NULL,
    term        text NOT NULL,
    feature     integer,
    level       text,
    mean        double precision NOT NULL,
    scale       double precision NOT NULL,
    coefficient double precision NOT NULL,
    std_error   double precision NOT NULL,
    PRIMARY KEY (model_id, term_no)
);
ALTER TABLE lead_scoring.contact_scores ADD COLUMN conversion_probability double precision;
CREATE INDEX contact_scores_probability_idx
    ON lead_scoring.contact_scores (model, conversion_probability DESC, contact_id)
    WHERE conversion_probability IS NOT NULL;
-- scores and leaderboard gain conversion_probability before leaderboard's rank:
-- the definitions that follow create leaderboard again.
DROP VIEW lead_scoring.leaderboard;

-- Alert delivery (issue 18; sql/parts/03_internal_tables.sql, 09_relay.sql). The
-- alerts made before the update were sent by 0.1's NOTIFY, the only delivery it
-- had: they count as delivered at their creation, so that a relay started
-- afterwards does not send the whole history again (UPDATE ... SET delivered_at =
-- NULL sends some again).
ALTER TABLE lead_scoring.alerts
    ADD COLUMN delivered_at timestamptz,
    ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN delivery_claimed_until timestamptz,
    ADD COLUMN delivery_failed_at timestamptz;
UPDATE lead_scoring.alerts SET delivered_at = created_at;
CREATE INDEX alerts_undelivered_idx ON lead_scoring.alerts (alert_id)
    WHERE delivered_at IS NULL AND delivery_failed_at IS NULL;

-- band_summary's counts (issue 15; sql/parts/03_internal_tables.sql), counted once
-- from the score rows (slot 0; the definitions that follow keep them).
CREATE TABLE lead_scoring.band_counts (
    model_id  integer NOT NULL,
    band      text NOT NULL,
    slot      integer NOT NULL,
    contacts  bigint NOT NULL DEFAULT 0,
    converted bigint NOT NULL DEFAULT 0,
    days_us   numeric NOT NULL DEFAULT 0,
    -- 0 on one node. On Citus the table is distributed by it with the contacts, and
    -- scoring on a shard writes a key that falls in that shard (pg/placement.hpp), so
    -- each shard counts its own score rows.
    shard_key bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (model_id, band, slot, shard_key)
);
INSERT INTO lead_scoring.band_counts (model_id, band, slot, contacts, converted, days_us)
SELECT s.model_id,
       coalesce((SELECT b.name FROM lead_scoring.bands b WHERE b.model_id = s.model_id AND b.min_score <= s.score
                  ORDER BY b.min_score DESC LIMIT 1), ''),
       0, count(*), count(s.converted_at),
       coalesce(sum(round(EXTRACT(epoch FROM s.converted_at - s.first_event_at) * 1000000)), 0)
  FROM lead_scoring.contact_scores s GROUP BY 1, 2;

-- Keys that include contact_id, for Citus (issue 19; sql/parts/02_contact_tables.sql
-- and 03_internal_tables.sql): the events' and alerts' contact indexes become unique
-- keys led by contact_id (each is rebuilt: on a large events table this takes a
-- while), and the ledger, without a primary key, replicates its deletes by the
-- whole old row.
DROP INDEX lead_scoring.events_contact_idx;
CREATE UNIQUE INDEX events_contact_idx ON lead_scoring.events (contact_id, occurred_at, event_id);
DROP INDEX lead_scoring.alerts_contact_idx;
CREATE UNIQUE INDEX alerts_contact_idx ON lead_scoring.alerts (contact_id, alert_id);
ALTER TABLE lead_scoring.ledger REPLICA IDENTITY FULL;

-- The shards of a Citus cluster (issue 19; sql/parts/03_internal_tables.sql): empty until
-- lead_scoring.distribute().
CREATE TABLE lead_scoring.shards (
    shard_key bigint PRIMARY KEY,
    called_at timestamptz  -- written by each operation on every shard (src/pg/shard_operations.cpp)
);
