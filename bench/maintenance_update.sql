-- The baseline: the decay of model `m` at :'as_of' by hand, in one statement.
--   psql -v as_of='2026-03-01 00:00+00' -v with_ledger=false -f bench/maintenance_update.sql
-- Steps due at t since the latest activity L: floor((t - L - 30 days) / 7 days) + 1, a
-- day being 24 hours (as in the extension); a step takes 10 points off a positive
-- balance and never below 0; the row remembers the steps applied, so a second run
-- changes nothing. with_ledger=false: one UPDATE of bench.plain_scores (the issue's
-- "one hand-written SQL UPDATE"). with_ledger=true: the same on bench.plain_scores_l,
-- also writing one ledger row per changed balance, as the extension does.
\set ON_ERROR_STOP on
\if :with_ledger
WITH due AS (
    SELECT contact_id, fit, balance, decay_steps, last_activity_at, steps_due,
           greatest(balance - 10 * (steps_due - decay_steps), 0) AS new_balance
      FROM (SELECT p.*, floor((extract(epoch FROM timestamptz :'as_of') - extract(epoch FROM p.last_activity_at)
                               - extract(epoch FROM interval '30 days')) / extract(epoch FROM interval '7 days'))::integer + 1
                        AS steps_due
              FROM bench.plain_scores_l p
             WHERE p.last_activity_at <= timestamptz :'as_of' - interval '30 days') s
     WHERE steps_due > decay_steps AND balance > 0
), changed AS (
    UPDATE bench.plain_scores_l p
       SET balance = d.new_balance, decay_steps = d.steps_due, score = d.fit + d.new_balance, updated_at = now()
      FROM due d
     WHERE p.contact_id = d.contact_id
    RETURNING d.*
)
INSERT INTO bench.plain_ledger (model_id, group_id, contact_id, delta, kind, occurred_at, reason, actor)
SELECT g.model_id, g.group_id, c.contact_id, c.new_balance - c.balance, 'decay',
       c.last_activity_at + interval '30 days' + (c.steps_due - 1) * interval '7 days',
       (c.steps_due - c.decay_steps) || ' decay steps', current_user
  FROM changed c, lead_scoring.point_groups g
 WHERE g.name = 'default';
\else
UPDATE bench.plain_scores
   SET balance = greatest(balance - 10 * (floor((extract(epoch FROM timestamptz :'as_of') - extract(epoch FROM last_activity_at)
                                                 - extract(epoch FROM interval '30 days')) / extract(epoch FROM interval '7 days'))::integer + 1
                                          - decay_steps), 0),
       score = fit + greatest(balance - 10 * (floor((extract(epoch FROM timestamptz :'as_of') - extract(epoch FROM last_activity_at)
                                                     - extract(epoch FROM interval '30 days')) / extract(epoch FROM interval '7 days'))::integer + 1
                                              - decay_steps), 0),
       decay_steps = floor((extract(epoch FROM timestamptz :'as_of') - extract(epoch FROM last_activity_at)
                            - extract(epoch FROM interval '30 days')) / extract(epoch FROM interval '7 days'))::integer + 1,
       updated_at = now()
 WHERE last_activity_at <= timestamptz :'as_of' - interval '30 days'
   AND balance > 0
   AND floor((extract(epoch FROM timestamptz :'as_of') - extract(epoch FROM last_activity_at)
              - extract(epoch FROM interval '30 days')) / extract(epoch FROM interval '7 days'))::integer + 1 > decay_steps;
\endif
