-- Reading scores: the leaderboard reads an index in order (no sort of every
-- contact), ranks ties equally; bands and band_summary.
\i test/fresh.sql
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('m', 'purchase'), ('other', NULL);
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.name, b.min_score FROM lead_scoring.models,
       (VALUES ('0-25', 0), ('26-50', 26), ('51-75', 51), ('76-100', 76)) AS b(name, min_score)
 WHERE models.name = 'm';
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'visit', 'page_visit', 10 FROM lead_scoring.models WHERE name = 'm';
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'buy', 'purchase', 1 FROM lead_scoring.models WHERE name = 'm';
INSERT INTO lead_scoring.event_rules (model_id, name, event_type, points)
SELECT model_id, 'negative', 'unsubscribe', -5 FROM lead_scoring.models WHERE name = 'm';

-- contact c visits c % 10 times; some purchase.
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT c, 'page_visit', timestamptz '2026-06-01 00:00+00' + v * interval '1 day'
  FROM generate_series(1, 40) c, generate_series(1, 9) v WHERE v <= c % 10;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at)
SELECT c, 'purchase', timestamptz '2026-06-20 00:00+00' FROM generate_series(5, 40, 5) c;
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (41, 'unsubscribe');
ANALYZE lead_scoring.contact_scores, lead_scoring.models;

SELECT model, contact_id, score, band, rank FROM lead_scoring.leaderboard WHERE model = 'm' ORDER BY rank, contact_id LIMIT 8;
SELECT model, contact_id, score, band FROM lead_scoring.scores WHERE contact_id IN (10, 41) AND model = 'm';

-- On 20,000 contacts the plan reads contact_scores_rank_idx in score order and
-- stops after 20 rows: no sort of every contact.
-- (scores written straight into the internal table: this only exercises the planner)
INSERT INTO lead_scoring.contact_scores (model_id, model, contact_id, score)
SELECT model_id, name, 1000 + i, i % 97 FROM lead_scoring.models, generate_series(1, 20000) i WHERE name = 'other';
ANALYZE lead_scoring.contact_scores, lead_scoring.models;
EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.leaderboard WHERE model = 'other' LIMIT 20;
-- With thousands of contacts tied at the top, the top 20 still read 20 index entries
-- (a window over the default RANGE frame read every tied one); ties share rank 1 and
-- the next score ranks after all of them.
UPDATE lead_scoring.contact_scores SET score = 500 WHERE model = 'other' AND contact_id < 6000;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM lead_scoring.leaderboard WHERE model = 'other' LIMIT 20;
SELECT count(*) AS top_20, min(rank), max(rank) FROM (SELECT * FROM lead_scoring.leaderboard WHERE model = 'other' LIMIT 20) t;
SELECT count(*) FILTER (WHERE score = 500) AS tied, count(*) FILTER (WHERE score = 500 AND rank = 1) AS tied_at_1,
       min(rank) FILTER (WHERE score < 500) AS next_rank
  FROM lead_scoring.leaderboard WHERE model = 'other';
-- leaderboard_top(model, n): the view's first n rows, in its order, with its ranks
-- (the read that stays fast on Citus); also across the ties at the top.
SELECT count(*) AS rows, count(*) FILTER (WHERE t IS NOT DISTINCT FROM v) AS same_as_view
  FROM (SELECT row_number() OVER () AS i, t FROM lead_scoring.leaderboard_top('other', 6100) t) a
  FULL JOIN (SELECT row_number() OVER () AS i, v FROM (SELECT * FROM lead_scoring.leaderboard WHERE model = 'other' LIMIT 6100) v) b
    USING (i);
SELECT contact_id, score, band, rank FROM lead_scoring.leaderboard_top('m', 4);
SELECT count(*) FROM lead_scoring.leaderboard_top('m', 0);
SELECT * FROM lead_scoring.leaderboard_top('nope');
SELECT * FROM lead_scoring.leaderboard_top('m', -1);
-- The other common reads go through indexes too: the MQL list (contacts above a
-- score), the contacts of a band (its score range of the rank index), the open
-- alerts queue (a partial index of unacknowledged alerts).
INSERT INTO lead_scoring.bands (model_id, name, min_score)
SELECT model_id, b.name, b.min_score FROM lead_scoring.models, (VALUES ('low', 0), ('mid', 40), ('top', 90)) AS b(name, min_score)
 WHERE models.name = 'other';
INSERT INTO lead_scoring.alerts (threshold_id, model_id, contact_id, score, acknowledged_at)
SELECT 1, 1, i, 50, CASE WHEN i % 100 <> 0 THEN now() END FROM generate_series(1, 20000) i;
ANALYZE lead_scoring.contact_scores, lead_scoring.alerts, lead_scoring.bands;
EXPLAIN (COSTS OFF) SELECT contact_id, score FROM lead_scoring.scores WHERE model = 'other' AND score >= 90
 ORDER BY score DESC LIMIT 100;
EXPLAIN (COSTS OFF) SELECT contact_id, score FROM lead_scoring.contacts_in_band('other', 'mid') LIMIT 100;
SELECT count(*), min(score), max(score) FROM lead_scoring.contacts_in_band('other', 'mid');
SELECT count(*) FROM lead_scoring.scores WHERE model = 'other' AND band = 'mid';
SELECT count(*), min(score) FROM lead_scoring.contacts_in_band('other', 'top');
SELECT * FROM lead_scoring.contacts_in_band('other', 'nope');
SELECT * FROM lead_scoring.contacts_in_band('nope', 'mid');
EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.alerts WHERE acknowledged_at IS NULL ORDER BY created_at LIMIT 20;
-- One contact's score and group scores are found by the contact (the key leads with
-- contact_id), whatever the model holds.
EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.scores WHERE model = 'other' AND contact_id = 1500;
EXPLAIN (COSTS OFF) SELECT * FROM lead_scoring.group_scores WHERE model = 'other' AND contact_id = 1500;

SELECT * FROM lead_scoring.band_summary WHERE model = 'm';

-- band_summary reads the conversion facts kept with the scores (first event, first
-- conversion), not an aggregate of every event; they equal what the events say (the
-- conversions view) after a late event dated earlier, after a change of the model's
-- conversion event type, and for a model added after the contacts' events.
CREATE TEMP VIEW facts_vs_events AS
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE s.first_event_at IS DISTINCT FROM c.first_event_at
                           OR s.converted_at IS DISTINCT FROM c.converted_at) AS facts_differ
  FROM lead_scoring.contact_scores s
  JOIN lead_scoring.models m ON m.model_id = s.model_id AND m.conversion_event_type IS NOT NULL
  LEFT JOIN lead_scoring.conversions c ON c.model_id = s.model_id AND c.contact_id = s.contact_id;
SELECT * FROM facts_vs_events;
INSERT INTO lead_scoring.events (contact_id, event_type, occurred_at) VALUES
    (10, 'page_visit', '2020-01-01'), (11, 'purchase', '2020-02-01');
SELECT * FROM facts_vs_events;
UPDATE lead_scoring.models SET conversion_event_type = 'page_visit' WHERE name = 'm';
SELECT * FROM facts_vs_events;
INSERT INTO lead_scoring.models (name, conversion_event_type) VALUES ('late', 'purchase');
INSERT INTO lead_scoring.events (contact_id, event_type) VALUES (10, 'page_visit'), (11, 'page_visit');
SELECT * FROM facts_vs_events;
SELECT model, contact_id, first_event_at, converted_at FROM lead_scoring.contact_scores
 WHERE model = 'late' ORDER BY contact_id;
SELECT lead_scoring.recompute('m') > 0 AS recomputed;
SELECT * FROM facts_vs_events;
UPDATE lead_scoring.models SET conversion_event_type = 'purchase' WHERE name = 'm';
SELECT * FROM lead_scoring.band_summary WHERE model = 'm';
