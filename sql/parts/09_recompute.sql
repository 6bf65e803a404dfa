---------------------------------------------------------------------------
-- Recompute: rebuild a model's scores from the history after a rule change
---------------------------------------------------------------------------

-- Rebuilds the model's score rows of one contact (or, with null, of every contact)
-- from the current attributes, the events in occurred_at order and the manual and
-- reset entries of the ledger, under the current rules, limits, caps, clamp, decay
-- and windows (what is due now is applied). The model's ledger rows of those
-- contacts become the replay's: rows it would write identically are kept as they
-- are, the others replaced (rule, decay and expiry rows as the rules now give them,
-- manual and reset rows with their original time, actor and reason and the delta
-- they have now: a reset zeroes the rebuilt balance). Threshold crossings are
-- judged against the scores before. Works a chunk of 1,000 contacts at a time
-- (memory does not grow with the number of contacts) and raises a NOTICE every
-- 100,000 contacts. Returns the number of contacts rebuilt.
CREATE OR REPLACE FUNCTION lead_scoring.recompute(model text, contact_id bigint DEFAULT NULL)
RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_recompute' LANGUAGE C VOLATILE;

-- The same for the contacts with first_contact <= contact_id <= last_contact (null:
-- unbounded), so that a large model can be rebuilt range by range, each range in its
-- own transaction: the contacts of a range stay locked until it commits.
CREATE OR REPLACE FUNCTION lead_scoring.recompute(model text, first_contact bigint, last_contact bigint)
RETURNS bigint
    AS 'MODULE_PATHNAME', 'lead_scoring_recompute_range' LANGUAGE C VOLATILE;
