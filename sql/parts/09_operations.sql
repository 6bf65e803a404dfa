
---------------------------------------------------------------------------
-- Operations: manual adjustments, resets, GDPR erasure
---------------------------------------------------------------------------

-- Not STRICT: a null argument gets an error that names it. Not SECURITY DEFINER:
-- the C code switches to the extension's owner itself, so that the ledger's actor
-- is the caller (current_user), not the owner.
CREATE OR REPLACE FUNCTION lead_scoring.adjust(model text, contact_id bigint, points numeric, reason text,
                                    point_group text DEFAULT NULL) RETURNS numeric
    AS 'MODULE_PATHNAME', 'lead_scoring_adjust' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION lead_scoring.adjust(text, bigint, numeric, text, text) IS
    'adds points (may be negative) to a group''s balance by hand, cut by the cap like an award; returns the new score';

CREATE OR REPLACE FUNCTION lead_scoring.reset(model text, contact_id bigint, reason text,
                                   point_group text DEFAULT NULL) RETURNS numeric
    AS 'MODULE_PATHNAME', 'lead_scoring_reset' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION lead_scoring.reset(text, bigint, text, text) IS
    'sets the behavioural balance of a group (null: every group) to 0, keeping the fit; returns the new score';

-- The erasure forget_contact is doing (src/erasure.cpp): kept in the backend, set
-- and cleared by functions only the extension's owner may call, and dropped with
-- the (sub)transaction that began it. The guards below let exactly that contact's
-- rows go; no setting switches them off.
CREATE OR REPLACE FUNCTION lead_scoring.begin_erasure(contact_id bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'lead_scoring_begin_erasure' LANGUAGE C VOLATILE;
CREATE OR REPLACE FUNCTION lead_scoring.end_erasure() RETURNS void
    AS 'MODULE_PATHNAME', 'lead_scoring_end_erasure' LANGUAGE C VOLATILE;
CREATE OR REPLACE FUNCTION lead_scoring.erasing(contact_id bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lead_scoring_erasing' LANGUAGE C VOLATILE STRICT;
-- Likewise, on Citus, a deleted model's rows in each shard (src/erasure.cpp).
CREATE OR REPLACE FUNCTION lead_scoring.dropping_model(model_id integer) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lead_scoring_dropping_model' LANGUAGE C VOLATILE STRICT;

-- The ledger is append-only: no role is granted UPDATE, DELETE or TRUNCATE on it,
-- and this guard (src/erasure.cpp) refuses them even to its owner, except
-- forget_contact's deletion of the one contact it is erasing and recompute's of
-- the rows it replaces (both opened in backend memory only: no setting opens them).
CREATE OR REPLACE FUNCTION lead_scoring.ledger_append_only() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lead_scoring_ledger_append_only' LANGUAGE C;
CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON lead_scoring.ledger
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.ledger_append_only();
CREATE OR REPLACE TRIGGER append_only_truncate BEFORE TRUNCATE ON lead_scoring.ledger
    FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.ledger_append_only();

-- A contact is erased whole or not at all: deleting its row alone would leave its
-- events, scores, ledger and alerts behind. So only forget_contact deletes contacts;
-- score rows go with their contact (forget_contact) or their model (a deleted
-- model's rows, drop_model_scores); and the tables scores are made from and kept in
-- cannot be truncated. (A superuser who must, on a test database: SET
-- session_replication_role = replica, which turns every trigger off.)
CREATE OR REPLACE FUNCTION lead_scoring.protect_contact_rows() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        RAISE EXCEPTION 'lead_scoring.% cannot be truncated: scores, the ledger and alerts are made from it',
            regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Erase contacts one by one with lead_scoring.forget_contact().';
    ELSIF lead_scoring.erasing(OLD.contact_id) THEN
        RETURN OLD;
    ELSIF TG_TABLE_NAME IN ('contact_scores', 'contact_score_keys') THEN  -- (one node)
        IF NOT EXISTS (SELECT 1 FROM lead_scoring.models m WHERE m.model_id = OLD.model_id) THEN
            RETURN OLD;  -- the model was deleted: its scores go with it
        END IF;
    ELSIF TG_TABLE_NAME ~ '^(contact_scores|contact_score_keys)_[0-9]+$' THEN  -- a Citus shard
        IF lead_scoring.dropping_model(OLD.model_id) THEN
            RETURN OLD;  -- the model was deleted: its scores go with it
        END IF;
    END IF;
    -- (named as the user knows it: a Citus shard's name without its shard id)
    RAISE EXCEPTION 'contact %: a row of lead_scoring.% is deleted only with the whole contact', OLD.contact_id,
        regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '')
        USING ERRCODE = 'insufficient_privilege',
              HINT = format('Erase the contact with SELECT * FROM lead_scoring.forget_contact(%s); correct a score with adjust() or reset().',
                            OLD.contact_id);
END $$;
CREATE OR REPLACE TRIGGER protect_delete BEFORE DELETE ON lead_scoring.contacts
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.protect_contact_rows();
CREATE OR REPLACE TRIGGER protect_delete BEFORE DELETE ON lead_scoring.contact_scores
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.protect_contact_rows();
CREATE OR REPLACE TRIGGER protect_truncate BEFORE TRUNCATE ON lead_scoring.contacts
    FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.protect_contact_rows();
CREATE OR REPLACE TRIGGER protect_truncate BEFORE TRUNCATE ON lead_scoring.events
    FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.protect_contact_rows();
CREATE OR REPLACE TRIGGER protect_truncate BEFORE TRUNCATE ON lead_scoring.contact_scores
    FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.protect_contact_rows();
CREATE OR REPLACE TRIGGER protect_delete BEFORE DELETE ON lead_scoring.contact_score_keys
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.protect_contact_rows();
CREATE OR REPLACE TRIGGER protect_truncate BEFORE TRUNCATE ON lead_scoring.contact_score_keys
    FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.protect_contact_rows();

-- Erases a contact from every table and reports how many rows each lost.
-- Race-free against scoring: it first waits for every transaction that is scoring
-- or creating the contact, then deletes what those committed. An event whose
-- scoring starts after the erasure has locked the contact is scored after it, as a
-- new contact (the serial order "erase, then event").
-- forget_contact's work, where the contact's rows are. On Citus the coordinator
-- runs it in the contact's shard (a query on lead_scoring.shards routed there,
-- inside the caller's distributed transaction), where its statements are local to
-- the shard's node (hence the setting).
CREATE OR REPLACE FUNCTION lead_scoring.erase_contact(contact_id bigint)
RETURNS TABLE (relation text, rows bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on AS $$
DECLARE
    id constant bigint := erase_contact.contact_id;
    replication_role constant text := current_setting('session_replication_role');
    placeholder bigint;
BEGIN
    -- An event for a new contact may be inserting it right now, uncommitted; only a
    -- conflicting insert waits for that transaction. Triggers are off for it (replica
    -- role), so the placeholder is neither fitted nor scored.
    PERFORM set_config('session_replication_role', 'replica', true);
    INSERT INTO lead_scoring.contacts AS c (contact_id) VALUES (id) ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS placeholder = ROW_COUNT;
    PERFORM set_config('session_replication_role', replication_role, true);
    -- Scoring locks the score rows (or, with no model, the contact): wait for it.
    PERFORM 1 FROM lead_scoring.contacts c WHERE c.contact_id = id FOR UPDATE;
    PERFORM 1 FROM lead_scoring.contact_scores s WHERE s.contact_id = id ORDER BY s.model_id FOR UPDATE;

    PERFORM lead_scoring.begin_erasure(id);
    relation := 'events';
    DELETE FROM lead_scoring.events e WHERE e.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'contact_scores';
    PERFORM lead_scoring.uncount_contact(id);  -- out of band_summary's counts first
    DELETE FROM lead_scoring.contact_scores s WHERE s.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    DELETE FROM lead_scoring.contact_score_keys k WHERE k.contact_id = id;  -- (counted as contact_scores)
    relation := 'contact_attribute_history';
    DELETE FROM lead_scoring.contact_attribute_history h WHERE h.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'window_awards';
    DELETE FROM lead_scoring.window_awards w WHERE w.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'combination_sets';
    DELETE FROM lead_scoring.combination_sets c WHERE c.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'absence_deadlines';
    DELETE FROM lead_scoring.absence_deadlines d WHERE d.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'ledger';
    DELETE FROM lead_scoring.ledger l WHERE l.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'alerts';
    DELETE FROM lead_scoring.alerts a WHERE a.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    RETURN NEXT;
    relation := 'contacts';
    DELETE FROM lead_scoring.contacts c WHERE c.contact_id = id;
    GET DIAGNOSTICS rows = ROW_COUNT;
    rows := rows - placeholder;
    RETURN NEXT;
    PERFORM lead_scoring.end_erasure();
END $$;

CREATE OR REPLACE FUNCTION lead_scoring.forget_contact(contact_id bigint)
RETURNS TABLE (relation text, rows bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF forget_contact.contact_id IS NULL THEN
        RAISE EXCEPTION 'forget_contact: contact_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF lead_scoring.distributed() AND NOT lead_scoring.citus_worker() THEN
        -- (a write to the shard's row first, so that the erasure runs in a transaction
        -- on the shard's node that ends with the caller's: pg/shard_operations.cpp)
        EXECUTE pg_catalog.format('UPDATE lead_scoring.shards SET called_at = pg_catalog.now()'
                                  ' WHERE shard_key OPERATOR(pg_catalog.=) %s',
                                  lead_scoring.shard_key_of(forget_contact.contact_id));
        RETURN QUERY EXECUTE pg_catalog.format(
            'SELECT f.relation, f.rows FROM lead_scoring.shards s, lead_scoring.erase_contact(%s) f'
            ' WHERE s.shard_key OPERATOR(pg_catalog.=) %s', forget_contact.contact_id,
            lead_scoring.shard_key_of(forget_contact.contact_id));
    ELSE
        RETURN QUERY SELECT f.relation, f.rows FROM lead_scoring.erase_contact(forget_contact.contact_id) f;
    END IF;
END $$;
COMMENT ON FUNCTION lead_scoring.forget_contact(bigint) IS
    'GDPR erasure: deletes the contact, its events, attribute history, scores, window awards, combination sets, absence deadlines, ledger entries and alerts; returns rows removed per table';
