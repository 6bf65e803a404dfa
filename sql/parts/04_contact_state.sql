---------------------------------------------------------------------------
-- The serialised contact state (contact_scores.state), as SQL sees it
---------------------------------------------------------------------------
-- The state is written and read by the core's one serialiser
-- (src/core/state_codec.hpp); SQL reads it only through these functions.

CREATE OR REPLACE FUNCTION lead_scoring.state_groups(state bytea,
    OUT group_id integer, OUT score numeric, OUT fit_score numeric, OUT behavior_score numeric,
    OUT decay_steps bigint) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lead_scoring_state_groups'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION lead_scoring.state_groups(bytea) IS
    'each group of a contact state: its score as scoring stored it (cap applied), fit and behavioural points, decay steps';

CREATE OR REPLACE FUNCTION lead_scoring.state_fit(state bytea,
    OUT rule_id bigint, OUT group_id integer, OUT points numeric) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lead_scoring_state_fit'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION lead_scoring.state_fit(bytea) IS
    'the attribute rules that held at a contact''s last fit, with the points each gave';

CREATE OR REPLACE FUNCTION lead_scoring.state_as_jsonb(state bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lead_scoring_state_as_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lead_scoring.state_as_jsonb(bytea) IS
    'a contact state, whole and readable (for debugging): groups, fit, rule limits, window awards';

CREATE OR REPLACE FUNCTION lead_scoring.state_with_decay_steps(state bytea, group_id integer, steps bigint)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'lead_scoring_state_with_decay_steps'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Edits of a model's or a group's definition that change how stored states add up
-- (a group's cap or counts_toward_total, the model's min_score/max_score) apply to
-- every stored score at once, in the editing transaction: each row's scores and its
-- stored group scores are worked out again by the core, exactly as scoring does
-- (capped group scores of the counted groups, clamped). Balances and the ledger do
-- not change; `explain` shows the new caps and clamp as clamp rows. Like
-- maintenance, this fires no threshold (a lowered score re-arms its thresholds; the
-- next event judges a raised one). Returns how many rows changed.
-- A deleted model's rows in the per-contact tables and band_summary's counts (the
-- drop_scores trigger on models; on Citus in every shard). Returns the rows deleted.
CREATE OR REPLACE FUNCTION lead_scoring.drop_model_rows(p_model_id integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_drop_model_rows' LANGUAGE C VOLATILE STRICT;

CREATE OR REPLACE FUNCTION lead_scoring.rescore_totals(p_model_id integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_rescore_totals'
    LANGUAGE C VOLATILE STRICT SECURITY DEFINER;
