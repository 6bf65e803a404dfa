---------------------------------------------------------------------------
-- explain: every contribution to a contact's total score
---------------------------------------------------------------------------

-- A model's id by name; an unknown name is the error every function that takes a
-- model name raises (the C++ functions: pg::model_index).
CREATE OR REPLACE FUNCTION lead_scoring.model_id_of(model text) RETURNS integer
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found integer;
BEGIN
    IF model IS NULL THEN
        RAISE EXCEPTION 'model must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.model_id INTO found FROM lead_scoring.models m WHERE m.name = model_id_of.model;
    IF found IS NULL THEN
        RAISE EXCEPTION 'model "%" does not exist', model USING ERRCODE = 'undefined_object';
    END IF;
    RETURN found;
END $$;

-- Rows: the attribute rules that held at the last fit (occurred_at: when the change
-- of attributes that brought them happened), every ledger entry (awards,
-- adjustments, decay, expiry, resets), then a 'clamp' row per group whose cap cut
-- its score and one (point_group NULL) for the model's min/max clamp. Only groups
-- that count toward the total appear. The points add up to scores.score exactly.
-- An unknown model is an error, as in every function that takes a model name; an
-- inactive model's stored scores are still explained.
-- SECURITY DEFINER: readers may explain a score without reading internal tables.
CREATE OR REPLACE FUNCTION lead_scoring.explain(model text, contact_id bigint)
RETURNS TABLE (point_group text, source text, rule text, event_id bigint,
               occurred_at timestamptz, points numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    -- (looked up first: on Citus the query goes to the contact's shard, where a
    -- function reading models could not run)
    model_key constant integer := lead_scoring.model_id_of(explain.model);
BEGIN
    RETURN QUERY
    WITH m AS (
        SELECT mo.model_id, mo.min_score, mo.max_score FROM lead_scoring.models mo
         WHERE mo.model_id = model_key
    ), s AS (
        SELECT cs.* FROM lead_scoring.contact_scores cs JOIN m USING (model_id)
         WHERE cs.contact_id = explain.contact_id
    ), groups AS (
        SELECT g.group_id, g.name, u.fit_score AS fit, u.behavior_score AS balance, u.score
          FROM s CROSS JOIN LATERAL lead_scoring.state_groups(s.state) u
          JOIN lead_scoring.point_groups g ON g.group_id = u.group_id
         WHERE g.counts_toward_total
    ), rows AS (
        SELECT g.name AS point_group, 'attribute'::text AS source, coalesce(ar.name, '#' || f.rule_id) AS rule,
               NULL::bigint AS event_id,
               -- when the change that brought these points happened: the first change of
               -- the contact's attributes since which the rule has held
               (SELECT min(h.changed_at) FROM lead_scoring.contact_attribute_history h
                 WHERE h.contact_id = explain.contact_id
                   AND h.changed_at > coalesce(
                       (SELECT max(x.changed_at) FROM lead_scoring.contact_attribute_history x
                         WHERE x.contact_id = explain.contact_id
                           AND NOT coalesce(jsonb_path_match_tz(x.attributes, ar.condition, silent => true), false)),
                       '-infinity')) AS occurred_at,
               f.points, 1 AS part, f.rule_id AS ord
          FROM s CROSS JOIN LATERAL lead_scoring.state_fit(s.state) f
          JOIN groups g ON g.group_id = f.group_id
          LEFT JOIN lead_scoring.attribute_rules ar ON ar.rule_id = f.rule_id
        UNION ALL
        SELECT g.name, l.kind, coalesce(er.name, cr.name, ab.name, l.reason), l.event_id, coalesce(l.occurred_at, l.created_at),
               l.delta, 2, l.entry_id
          FROM lead_scoring.ledger l
          JOIN m ON m.model_id = l.model_id
          JOIN groups g ON g.group_id = l.group_id
          LEFT JOIN lead_scoring.event_rules er ON er.rule_id = l.rule_id AND l.kind = ANY (lead_scoring.ledger_kinds(true))
          LEFT JOIN lead_scoring.combination_rules cr ON cr.rule_id = l.rule_id AND l.kind = 'combination'
          LEFT JOIN lead_scoring.absence_rules ab ON ab.rule_id = l.rule_id AND l.kind = 'absence'
         WHERE l.contact_id = explain.contact_id
        UNION ALL
        SELECT g.name, 'clamp', 'max_points', NULL, NULL, g.score - (g.fit + g.balance), 3, g.group_id
          FROM groups g WHERE g.score <> g.fit + g.balance
        UNION ALL
        SELECT NULL, 'clamp', CASE WHEN s.score > t.sum THEN 'min_score' ELSE 'max_score' END, NULL, NULL,
               s.score - t.sum, 4, 0
          FROM s, (SELECT coalesce(sum(groups.score), 0) AS sum FROM groups) t
         WHERE s.score <> t.sum
    )
    SELECT rows.point_group, rows.source, rows.rule, rows.event_id, rows.occurred_at, rows.points
      FROM rows ORDER BY rows.part, rows.occurred_at, rows.ord;
END $$;

