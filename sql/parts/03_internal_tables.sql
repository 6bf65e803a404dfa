---------------------------------------------------------------------------
-- What the extension writes: scores, ledger, alerts
---------------------------------------------------------------------------

-- One row per contact and model: what SQL and indexes need as real columns (the
-- scores, qualified, last activity, when maintenance next has something to do), and
-- the rest of the contact's scoring state in `state`: one value in the core's
-- versioned binary format (src/core/state_codec.hpp), written and read only by the
-- core's serialiser: per-group fit points, behavioural balances (each the sum of the
-- contact's ledger rows of that group), decay step counts and scores (cap applied),
-- the attribute rules that held at the last fit and the award counters of limited
-- rules (the unexpired awards of windowed groups are rows of window_awards). SQL
-- reads it through lead_scoring.state_groups(), state_fit() and, for debugging,
-- state_as_jsonb().
--   maintenance_due_at is when the next decay step or expiry falls due (null: none),
--     so that run_maintenance reads only the rows that have something to do.
CREATE TABLE lead_scoring.contact_scores (
    model_id         integer NOT NULL,
    model            text NOT NULL,  -- the model's name, kept in step by a trigger on models
    contact_id       bigint NOT NULL,
    score            numeric NOT NULL DEFAULT 0,
    fit_score        numeric NOT NULL DEFAULT 0,
    behavior_score   numeric NOT NULL DEFAULT 0,
    qualified        boolean NOT NULL DEFAULT true,
    last_activity_at timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
    maintenance_due_at timestamptz,
    state            bytea NOT NULL DEFAULT '\x01000000',  -- format 1, empty
    -- Conversion facts, kept as events arrive (band_summary reads them instead of
    -- aggregating every event): the contact's first event, and its first event of
    -- the model's conversion_event_type.
    first_event_at   timestamptz,
    converted_at     timestamptz,
    -- The model's predicted probability of conversion (predictive scoring), set by
    -- train() for every contact of a model with a fit; null without one.
    conversion_probability double precision
    -- No unique index: the key (contact_id, model_id) is kept unique by
    -- contact_score_keys below, and contact_scores_key_idx finds rows by it.
) WITH (fillfactor = 80);  -- room for HOT updates when an event leaves the score as it was
-- Without a primary key, updates reach a logical replica by the whole old row.
ALTER TABLE lead_scoring.contact_scores REPLICA IDENTITY FULL;
-- Contact first: scoring looks rows up by contact (contact_id = ANY (...)), which
-- the index then serves whatever the planner believes of the table (with model
-- first, a table not yet analyzed got a plan that filtered every row of the model
-- against the whole array: 50,000 events for new contacts took 12 s); and Citus
-- distributes by contact.
CREATE INDEX contact_scores_key_idx ON lead_scoring.contact_scores (contact_id, model_id);
-- The unique key of contact_scores, in a table of its own whose rows are written
-- once and never updated. Why not a unique index on contact_scores: a transaction
-- that scores the same contact thousands of times (a CRM syncing inside one
-- transaction) leaves as many versions of its score row, which PostgreSQL cannot
-- prune before that transaction ends, and every update then checked each of them
-- for uniqueness (16,000 one-row inserts for one contact took 43 s, 4.4x their
-- time in autocommit). A score row is created after its key is inserted here (ON
-- CONFLICT DO NOTHING waits for a session creating the same one), and scoring finds
-- the rows it already locked or wrote in the transaction by their tid
-- (src/pg/score_row_tids.hpp).
CREATE TABLE lead_scoring.contact_score_keys (
    contact_id bigint NOT NULL,
    model_id   integer NOT NULL,
    PRIMARY KEY (contact_id, model_id)
);
-- The leaderboard reads this index in order instead of sorting every contact. It is
-- keyed by the model's *name* because that is what users filter on: an index on
-- model_id would need a join with models, and a join loses the index order.
CREATE INDEX contact_scores_rank_idx
    ON lead_scoring.contact_scores (model, score DESC, contact_id);
-- "Top 20 by probability": rows of models without a fit never enter it.
CREATE INDEX contact_scores_probability_idx
    ON lead_scoring.contact_scores (model, conversion_probability DESC, contact_id)
    WHERE conversion_probability IS NOT NULL;
-- Partial: rows of models without decay or windows never enter it, so their
-- updates stay as cheap as before.
-- (due, contact, model): maintenance batches go through it in this order, each
-- going on after the last row of the previous one.
CREATE INDEX contact_scores_due_idx
    ON lead_scoring.contact_scores (maintenance_due_at, contact_id, model_id) WHERE maintenance_due_at IS NOT NULL;

-- The awards of groups with a window_size that have not expired yet, with what each
-- actually added, so that expiry takes back exactly that. One row per award beside
-- the score row rather than inside it: an event reads only the awards that expire
-- by its time (and each group's next one), so what it costs does not grow with the
-- awards a contact holds. A contact's next expiry is its score row's
-- maintenance_due_at (contact_scores_due_idx). Keyed by contact first (Citus).
CREATE TABLE lead_scoring.window_awards (
    contact_id  bigint NOT NULL,
    model_id    integer NOT NULL,
    group_id    integer NOT NULL,
    occurred_at timestamptz NOT NULL,  -- of the event
    event_id    bigint NOT NULL,
    rule_id     bigint NOT NULL,
    points      numeric NOT NULL,      -- what the award added
    PRIMARY KEY (contact_id, model_id, group_id, occurred_at, event_id)
);

-- What each combination rule has seen of a contact per correlation value (the
-- property's text, '' for a rule without correlate_by): the facts that happened, by
-- name, and the value awarded for them (the tier's points; a cap may have cut the
-- award). One row per set beside the score row: an event reads only the sets its
-- facts touch (pg/combination_store.cpp). Keyed by contact first (Citus).
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

-- The deadlines of absence rules per contact and correlation value: armed by the
-- first anchor (deadline_at), the earliest expected event seen (expected_at, also
-- before any anchor), the penalty once it fired and whether an expected event in
-- time took it back. due_at is the deadline while it is pending (armed, unsettled,
-- not fired), else null: an event or maintenance reads a contact's pending
-- deadlines up to its time through the partial index, and the score row's
-- maintenance_due_at includes the earliest (pg/absence_store.cpp). Keyed by
-- contact first (Citus).
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

-- band_summary's counts, kept as scores change (pg/band_counts_store.cpp): per
-- model and band ('' below the lowest band), the contacts, the converted ones and
-- the sum of their days to conversion (in microseconds). Each backend adds its
-- changes to its own slot (its backend id), so concurrent writers neither wait for
-- each other nor deadlock; band_summary adds the slots up. Slot 0 holds what a
-- rebuild counted (after a bands edit, a cap or conversion type change, the update).
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

-- On Citus, one row per shard of the contacts: a key that falls in that shard
-- (lead_scoring.distribute() fills it, distributed with the contacts). What must
-- reach every shard (rescoring a model after an edit) selects a function per row:
-- Citus runs each call on the shard's node, inside the caller's distributed
-- transaction, and the function works in that shard's placement
-- (src/pg/placement.hpp). Empty on one node.
CREATE TABLE lead_scoring.shards (
    shard_key bigint PRIMARY KEY,
    called_at timestamptz  -- written by each operation on every shard (src/pg/shard_operations.cpp)
);

-- Every insert of a contact and every change of its attributes (SPEC "Attribute
-- history"), written by the contacts triggers: when (the contact row's updated_at:
-- the transaction's time, or the time a CRM set explicitly to sync an older
-- change), who (the role that made the change) and the attributes it gave. One row
-- per change, nothing per event; change_id orders changes of the same instant.
-- Keyed by contact first (Citus).
CREATE TABLE lead_scoring.contact_attribute_history (
    contact_id bigint NOT NULL,
    changed_at timestamptz NOT NULL,
    change_id  bigint GENERATED ALWAYS AS IDENTITY (CACHE 100),
    attributes jsonb NOT NULL,
    actor      text NOT NULL,
    PRIMARY KEY (contact_id, changed_at, change_id)
);

-- The ledger's kinds, from the core's one list (src/core/ledger_change.hpp): all
-- of them, or (true) those whose rule_id names an event rule.
CREATE FUNCTION lead_scoring.ledger_kinds(names_event_rule boolean DEFAULT NULL) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lead_scoring_ledger_kinds' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Append-only. entry_id is generated always, so it is unique without an index:
-- each award costs one heap row and one index entry (by contact, for explain).
-- A rule award names its rule by rule_id (reason stays null); other kinds carry the
-- reason the operator gave.
CREATE TABLE lead_scoring.ledger (
    entry_id    bigint GENERATED ALWAYS AS IDENTITY (CACHE 100),
    model_id    integer NOT NULL,
    group_id    integer NOT NULL,
    contact_id  bigint NOT NULL,
    delta       numeric NOT NULL,
    kind        text NOT NULL CONSTRAINT ledger_kind_check CHECK (kind OPERATOR(pg_catalog.=) ANY (lead_scoring.ledger_kinds())),
    rule_id     bigint,
    event_id    bigint,
    occurred_at timestamptz,
    reason      text,
    actor       text,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX ledger_contact_idx ON lead_scoring.ledger (contact_id, model_id);
-- Without a primary key, the rows forget_contact and recompute delete reach a
-- logical replica (and a Citus shard being moved) by the whole old row.
ALTER TABLE lead_scoring.ledger REPLICA IDENTITY FULL;

CREATE TABLE lead_scoring.alerts (
    alert_id        bigint GENERATED BY DEFAULT AS IDENTITY (CACHE 100) PRIMARY KEY,
    threshold_id    bigint NOT NULL,
    model_id        integer NOT NULL,
    contact_id      bigint NOT NULL,
    score           numeric NOT NULL,
    event_id        bigint,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    acknowledged_at timestamptz,
    -- Delivery by lead_scoring_relay (sql/parts/09_relay.sql): delivered once a
    -- relay's command succeeded; a relay claims an alert until
    -- delivery_claimed_until (a relay killed mid-delivery lets it go when that
    -- passes); failures count, wait (next_attempt_at) and, past the relay's
    -- --max-attempts, stop (delivery_failed_at) for an operator.
    delivered_at           timestamptz,
    delivery_attempts      integer NOT NULL DEFAULT 0,
    last_error             text,
    next_attempt_at        timestamptz,
    delivery_claimed_until timestamptz,
    delivery_failed_at     timestamptz
);
-- Unique, with contact_id first: the alerts' key on Citus (as events_contact_idx).
CREATE UNIQUE INDEX alerts_contact_idx ON lead_scoring.alerts (contact_id, alert_id);
CREATE INDEX alerts_open_idx ON lead_scoring.alerts (created_at) WHERE acknowledged_at IS NULL;
-- What relays claim: the undelivered alerts still being tried, oldest first.
CREATE INDEX alerts_undelivered_idx ON lead_scoring.alerts (alert_id)
    WHERE delivered_at IS NULL AND delivery_failed_at IS NULL;

