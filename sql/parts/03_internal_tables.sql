---------------------------------------------------------------------------
-- What the extension writes: scores, ledger, alerts
---------------------------------------------------------------------------

-- One row per contact and model: the whole scoring state of that contact, so that
-- an event costs one row update however many groups and limited rules it touches.
-- Per-group and per-rule values are parallel arrays (same index = same group/rule),
-- and points in arrays are *_units: exact integers of ten-thousandths of a point
-- (lead_scoring.points_of() turns them into numeric), which the C++ core reads and
-- writes without any decimal conversion.
--   group_fit_units[i] + group_balance_units[i] is the uncapped score of group group_ids[i];
--   group_balance_units[i] is always the sum of the contact's ledger deltas for that group;
--   fit_rule_* are the attribute rules that held at the last fit (for explain);
--   limit_* count the awards of rules with max_awards or cooldown;
--   group_decay_steps[i] counts the decay steps applied since last_activity_at;
--   window_* are the awards of groups with a window_size that have not expired yet
--     (what each added, so that expiry takes back exactly that);
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
    group_ids        integer[] NOT NULL DEFAULT '{}',
    group_fit_units     bigint[] NOT NULL DEFAULT '{}',
    group_balance_units bigint[] NOT NULL DEFAULT '{}',
    fit_rule_ids     bigint[] NOT NULL DEFAULT '{}',
    fit_rule_groups  integer[] NOT NULL DEFAULT '{}',
    fit_rule_units   bigint[] NOT NULL DEFAULT '{}',
    limit_rule_ids   bigint[] NOT NULL DEFAULT '{}',
    limit_awards     integer[] NOT NULL DEFAULT '{}',
    limit_last_at    timestamptz[] NOT NULL DEFAULT '{}',
    group_decay_steps   bigint[] NOT NULL DEFAULT '{}',
    window_group_ids    integer[] NOT NULL DEFAULT '{}',
    window_occurred_at  timestamptz[] NOT NULL DEFAULT '{}',
    window_units        bigint[] NOT NULL DEFAULT '{}',
    window_rule_ids     bigint[] NOT NULL DEFAULT '{}',
    window_event_ids    bigint[] NOT NULL DEFAULT '{}',
    maintenance_due_at  timestamptz,
    PRIMARY KEY (model_id, contact_id)
) WITH (fillfactor = 80);  -- room for HOT updates when an event leaves the score as it was
-- The leaderboard reads this index in order instead of sorting every contact. It is
-- keyed by the model's *name* because that is what users filter on: an index on
-- model_id would need a join with models, and a join loses the index order.
CREATE INDEX contact_scores_rank_idx
    ON lead_scoring.contact_scores (model, score DESC, contact_id);
-- Partial: rows of models without decay or windows never enter it, so their
-- updates stay as cheap as before.
-- (due, contact, model): maintenance batches go through it in this order, each
-- going on after the last row of the previous one.
CREATE INDEX contact_scores_due_idx
    ON lead_scoring.contact_scores (maintenance_due_at, contact_id, model_id) WHERE maintenance_due_at IS NOT NULL;

-- What maintenance writes back to a score row it has locked (found by its tid): a
-- decay step or expiry changes only these columns, so the maintenance UPDATE
-- neither builds nor copies the rest of the row.
CREATE TYPE lead_scoring.maintained_state AS (
    row_tid             tid,
    score               numeric,
    fit_score           numeric,
    behavior_score      numeric,
    group_balance_units bigint[],
    group_decay_steps   bigint[],
    window_group_ids    integer[],
    window_occurred_at  timestamptz[],
    window_units        bigint[],
    window_rule_ids     bigint[],
    window_event_ids    bigint[],
    maintenance_due_at  timestamptz
);

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
    kind        text NOT NULL CHECK (kind IN ('rule', 'manual', 'decay', 'expiry', 'reset')),
    rule_id     bigint,
    event_id    bigint,
    occurred_at timestamptz,
    reason      text,
    actor       text,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX ledger_contact_idx ON lead_scoring.ledger (contact_id, model_id);

CREATE TABLE lead_scoring.alerts (
    alert_id        bigint GENERATED BY DEFAULT AS IDENTITY (CACHE 100) PRIMARY KEY,
    threshold_id    bigint NOT NULL,
    model_id        integer NOT NULL,
    contact_id      bigint NOT NULL,
    score           numeric NOT NULL,
    event_id        bigint,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    acknowledged_at timestamptz
);
CREATE INDEX alerts_contact_idx ON lead_scoring.alerts (contact_id);
CREATE INDEX alerts_open_idx ON lead_scoring.alerts (created_at) WHERE acknowledged_at IS NULL;

