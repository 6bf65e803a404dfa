-- The baseline's tables, made from the loaded lead_scoring state (bench/maintenance.sh
-- runs this after the events are loaded, before VACUUM ANALYZE of the template).
--
-- bench.plain_scores is what a user without the extension would keep per contact for
-- this model: the group's balance, its fit (0 here), the latest activity, the decay
-- steps applied since, and the total, with the physical design of contact_scores where
-- it does the same job (fillfactor 80, primary key, a rank index on score desc).
-- bench.plain_scores_l is an identical copy for the variant that also writes a ledger
-- (bench.plain_ledger, shaped and indexed like lead_scoring.ledger).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE TABLE bench.plain_scores (
    contact_id       bigint PRIMARY KEY,
    fit              numeric NOT NULL,
    balance          numeric NOT NULL,
    last_activity_at timestamptz,
    decay_steps      integer NOT NULL,
    score            numeric NOT NULL,
    updated_at       timestamptz NOT NULL
) WITH (fillfactor = 80);
INSERT INTO bench.plain_scores
SELECT contact_id, fit_score, behavior_score, last_activity_at, (SELECT u.decay_steps FROM lead_scoring.state_groups(state) u LIMIT 1), score, updated_at
  FROM lead_scoring.contact_scores ORDER BY contact_id;
CREATE INDEX plain_scores_rank_idx ON bench.plain_scores (score DESC, contact_id);

CREATE TABLE bench.plain_scores_l (LIKE bench.plain_scores INCLUDING ALL) WITH (fillfactor = 80);
INSERT INTO bench.plain_scores_l SELECT * FROM bench.plain_scores ORDER BY contact_id;

CREATE TABLE bench.plain_ledger (LIKE lead_scoring.ledger INCLUDING DEFAULTS INCLUDING IDENTITY);
CREATE INDEX plain_ledger_contact_idx ON bench.plain_ledger (contact_id, model_id);
