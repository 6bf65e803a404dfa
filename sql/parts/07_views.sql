---------------------------------------------------------------------------
-- Views users read
---------------------------------------------------------------------------

-- Ten-thousandths of a point (the internal state arrays) as an exact numeric.
CREATE OR REPLACE FUNCTION lead_scoring.points_of(units bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.trim_scale(units::numeric OPERATOR(pg_catalog./) 10000);

-- The band of a score: the band with the greatest min_score <= score.
CREATE OR REPLACE FUNCTION lead_scoring.band_of(p_model_id integer, p_score numeric) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT b.name FROM lead_scoring.bands b
     WHERE b.model_id = p_model_id AND b.min_score OPERATOR(pg_catalog.<=) p_score
     ORDER BY b.min_score DESC LIMIT 1;
END;

-- The band is band_of() written out as a subquery: a function that reads a table
-- cannot run inside a query on a Citus shard (a distributed query nested in
-- another), a subquery on the reference table bands is pushed down with it.
CREATE OR REPLACE VIEW lead_scoring.scores AS
SELECT s.model, s.contact_id, s.score, s.fit_score, s.behavior_score,
       (SELECT b.name FROM lead_scoring.bands b
         WHERE b.model_id OPERATOR(pg_catalog.=) s.model_id AND b.min_score OPERATOR(pg_catalog.<=) s.score
         ORDER BY b.min_score DESC LIMIT 1) AS band,
       s.qualified, s.last_activity_at, s.updated_at, s.conversion_probability
  FROM lead_scoring.contact_scores s;

-- Each group's score as scoring stored it (its cap applied by the core).
CREATE OR REPLACE VIEW lead_scoring.group_scores AS
SELECT s.model, g.name AS point_group, s.contact_id, u.score, u.fit_score, u.behavior_score, s.last_activity_at
  FROM lead_scoring.contact_scores s
 CROSS JOIN LATERAL lead_scoring.state_groups(s.state) u
  JOIN lead_scoring.point_groups g ON g.group_id OPERATOR(pg_catalog.=) u.group_id;

-- Per model, contacts best first. One table and a window partitioned by the model
-- name: "WHERE model = 'm'" goes below the window and "LIMIT 20" reaches the scan,
-- so the plan reads 20 entries of contact_scores_rank_idx in order and sorts nothing.
-- The frame is ROWS up to the current row: rank() needs no more, and the default
-- (RANGE, up to the current row's last peer) made the window read every contact
-- tied with the 20th (all those at the model's max_score) before returning it.
-- Ties share a rank and come in the index's contact_id order; a query that needs that
-- order guaranteed adds ORDER BY rank, contact_id.
CREATE OR REPLACE VIEW lead_scoring.leaderboard AS
SELECT s.model, s.contact_id, s.score, s.fit_score, s.behavior_score,
       (SELECT b.name FROM lead_scoring.bands b
         WHERE b.model_id OPERATOR(pg_catalog.=) s.model_id AND b.min_score OPERATOR(pg_catalog.<=) s.score
         ORDER BY b.min_score DESC LIMIT 1) AS band,
       s.qualified, s.last_activity_at, s.updated_at, s.conversion_probability,
       pg_catalog.rank() OVER (PARTITION BY s.model ORDER BY s.score DESC
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rank
  FROM lead_scoring.contact_scores s;

-- The leaderboard's first n rows of a model, as a read that stays fast on Citus.
-- The view's rank() over all of a model's contacts cannot be pushed down to the
-- shards (it is not partitioned by contact_id), so on Citus the view brings every
-- contact of the model to the coordinator. Here each shard gives its own best n
-- (the inner ORDER BY ... LIMIT, which Citus pushes down and merges), and the rank
-- is taken over those: the contacts that rank above one of the first n are all
-- among the first n, so the ranks are exact. On one node it reads the same n index
-- entries as the view, and returns the view's first n rows in its order (score,
-- then contact_id).
CREATE OR REPLACE FUNCTION lead_scoring.leaderboard_top(model text, n integer DEFAULT 20)
RETURNS SETOF lead_scoring.leaderboard
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM lead_scoring.model_id_of(leaderboard_top.model);  -- an unknown model is an error naming it
    IF n IS NULL OR n < 0 THEN
        RAISE EXCEPTION 'leaderboard_top: n must be 0 or more, not %', coalesce(n::text, 'null')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT t.*, rank() OVER (ORDER BY t.score DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      FROM (SELECT s.* FROM lead_scoring.scores s
             WHERE s.model = leaderboard_top.model
             ORDER BY s.score DESC, s.contact_id LIMIT n) t
     ORDER BY t.score DESC, t.contact_id;
END $$;

-- The score range of a band: [its min_score, the next band's min_score). An unknown
-- model or band is an error naming it.
CREATE OR REPLACE FUNCTION lead_scoring.band_bounds(model text, band text, OUT low numeric, OUT high numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m integer := lead_scoring.model_id_of(band_bounds.model);
BEGIN
    SELECT b.min_score INTO low FROM lead_scoring.bands b WHERE b.model_id = m AND b.name = band_bounds.band;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'band "%" does not exist in model "%"', band, model USING ERRCODE = 'undefined_object';
    END IF;
    SELECT min(b.min_score) INTO high FROM lead_scoring.bands b WHERE b.model_id = m AND b.min_score > low;
    high := coalesce(high, 'Infinity');
END $$;

-- The contacts of a model in one band, best first: a range of
-- contact_scores_rank_idx (the band's score range), not a band_of() call per contact.
-- Plain SQL, so that it is inlined into the calling query and a LIMIT reaches the
-- index scan; the bounds are init plans, computed (and an unknown model or band
-- refused, by band_bounds) before the scan starts.
CREATE OR REPLACE FUNCTION lead_scoring.contacts_in_band(model text, band text)
RETURNS SETOF lead_scoring.scores
LANGUAGE sql STABLE AS $$
    SELECT s.* FROM lead_scoring.scores s
     WHERE s.model OPERATOR(pg_catalog.=) contacts_in_band.model
       AND s.score OPERATOR(pg_catalog.>=)
           (SELECT b.low FROM lead_scoring.band_bounds(contacts_in_band.model, contacts_in_band.band) b)
       AND s.score OPERATOR(pg_catalog.<)
           (SELECT b.high FROM lead_scoring.band_bounds(contacts_in_band.model, contacts_in_band.band) b)
     ORDER BY s.score DESC, s.contact_id
$$;

-- Conversion facts per model and contact: first event, first conversion event.
CREATE OR REPLACE VIEW lead_scoring.conversions AS
SELECT m.model_id, e.contact_id,
       min(e.occurred_at) AS first_event_at,
       min(e.occurred_at) FILTER (WHERE e.event_type OPERATOR(pg_catalog.=) m.conversion_event_type) AS converted_at
  FROM lead_scoring.models m
  JOIN lead_scoring.events e ON true
 WHERE m.conversion_event_type IS NOT NULL
 GROUP BY m.model_id, e.contact_id;

-- Current scores per band, with how many of each band converted (conversion_rate is
-- a fraction, 0..1; days run from a contact's first event to its first conversion).
-- Bands without contacts are listed with 0; contacts below every band get band NULL.
CREATE OR REPLACE VIEW lead_scoring.band_summary AS
WITH per_band AS (
    -- (the counts kept as scores change, lead_scoring.band_counts: one row per
    -- band and writer slot, not a scan of every contact)
    SELECT c.model_id, NULLIF(c.band, '') AS band, sum(c.contacts) AS contacts, sum(c.converted) AS converted,
           sum(c.days_us) AS days_us
      FROM lead_scoring.band_counts c GROUP BY c.model_id, c.band
), all_bands AS (
    SELECT b.model_id, b.name AS band, b.min_score FROM lead_scoring.bands b
    UNION ALL
    SELECT p.model_id, NULL, NULL FROM per_band p WHERE p.band IS NULL AND p.contacts OPERATOR(pg_catalog.>) 0
)
SELECT m.name AS model, a.band,
       coalesce(p.contacts, 0)::bigint AS contacts,
       coalesce(p.converted, 0)::bigint AS converted,
       CASE WHEN coalesce(p.contacts, 0) OPERATOR(pg_catalog.=) 0 THEN NULL
            ELSE round(p.converted::numeric OPERATOR(pg_catalog./) p.contacts, 4) END AS conversion_rate,
       CASE WHEN coalesce(p.converted, 0) OPERATOR(pg_catalog.=) 0 THEN NULL
            ELSE round(p.days_us OPERATOR(pg_catalog./) p.converted OPERATOR(pg_catalog./) 86400000000, 2) END
           AS avg_days_to_conversion
  FROM all_bands a
  JOIN lead_scoring.models m ON m.model_id OPERATOR(pg_catalog.=) a.model_id
  LEFT JOIN per_band p ON p.model_id OPERATOR(pg_catalog.=) a.model_id AND p.band IS NOT DISTINCT FROM a.band
 ORDER BY m.name, a.min_score NULLS FIRST;

-- This backend's slot in band_counts (src/band_functions.cpp).
CREATE OR REPLACE FUNCTION lead_scoring.band_slot() RETURNS integer
    AS 'MODULE_PATHNAME', 'lead_scoring_band_slot' LANGUAGE C VOLATILE;

-- Counts a model's score rows again from scratch (into slot 0): after an edit of
-- its bands, caps or conversion type. The table lock makes writers' additions wait
-- until this transaction ends (a writer that already added some is waited for
-- first, and its rows are then counted here): no change is counted twice or lost.
-- Writers never take this lock, so they cannot deadlock with one another on it.
CREATE OR REPLACE FUNCTION lead_scoring.rebuild_band_counts(p_model_id integer) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    LOCK TABLE lead_scoring.band_counts IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM lead_scoring.band_counts c WHERE c.model_id = p_model_id;
    INSERT INTO lead_scoring.band_counts (model_id, band, slot, contacts, converted, days_us)
    SELECT s.model_id, coalesce((SELECT bd.name FROM lead_scoring.bands bd
                      WHERE bd.model_id OPERATOR(pg_catalog.=) s.model_id AND bd.min_score OPERATOR(pg_catalog.<=) s.score
                      ORDER BY bd.min_score DESC LIMIT 1), ''),  -- (band_of, as the views have it)
           0, count(*), count(s.converted_at),
           coalesce(sum(round(EXTRACT(epoch FROM s.converted_at - s.first_event_at) * 1000000)), 0)
      FROM lead_scoring.contact_scores s WHERE s.model_id = p_model_id
     GROUP BY 1, 2;
END $$;

-- Takes a contact's score rows out of the counts (forget_contact, before it
-- deletes them).
-- (PL/pgSQL: Citus plans its statement with the contact as a value. On Citus the
-- counts go to the contact's shard, under its key.)
CREATE OR REPLACE FUNCTION lead_scoring.uncount_contact(p_contact_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    key constant bigint := lead_scoring.shard_key_of(p_contact_id);
BEGIN
    INSERT INTO lead_scoring.band_counts AS b (model_id, band, slot, contacts, converted, days_us, shard_key)
    SELECT s.model_id, coalesce((SELECT bd.name FROM lead_scoring.bands bd
                      WHERE bd.model_id OPERATOR(pg_catalog.=) s.model_id AND bd.min_score OPERATOR(pg_catalog.<=) s.score
                      ORDER BY bd.min_score DESC LIMIT 1), ''),  -- (band_of, as the views have it)
           lead_scoring.band_slot(), -count(*),
           -count(s.converted_at),
           -coalesce(sum(round(EXTRACT(epoch FROM s.converted_at - s.first_event_at) * 1000000)), 0), key
      FROM lead_scoring.contact_scores s WHERE s.contact_id = p_contact_id
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (model_id, band, slot, shard_key) DO UPDATE
       SET contacts = b.contacts + EXCLUDED.contacts, converted = b.converted + EXCLUDED.converted,
           days_us = b.days_us + EXCLUDED.days_us;
END $$;

