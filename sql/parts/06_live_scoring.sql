---------------------------------------------------------------------------
-- Live scoring: statement-level triggers see the whole batch at once
---------------------------------------------------------------------------

-- A restore (lead_scoring.restoring()) loads events and contacts with the scores
-- they already have: nothing to score or fit.
CREATE OR REPLACE TRIGGER score AFTER INSERT ON lead_scoring.events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring())
    EXECUTE FUNCTION lead_scoring.score_new_events();
CREATE OR REPLACE TRIGGER fit_new AFTER INSERT ON lead_scoring.contacts
    REFERENCING NEW TABLE AS new_contacts
    FOR EACH STATEMENT WHEN (NOT lead_scoring.restoring())
    EXECUTE FUNCTION lead_scoring.fit_new_contacts();
CREATE OR REPLACE TRIGGER fit_changed AFTER UPDATE ON lead_scoring.contacts
    REFERENCING OLD TABLE AS old_contacts NEW TABLE AS new_contacts
    FOR EACH STATEMENT EXECUTE FUNCTION lead_scoring.fit_changed_contacts();

CREATE OR REPLACE FUNCTION lead_scoring.touch_contact() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.contact_id IS DISTINCT FROM OLD.contact_id THEN
        RAISE EXCEPTION 'contact %: contact_id cannot change (insert a new contact instead)', OLD.contact_id
            USING ERRCODE = 'check_violation';
    END IF;
    -- The time of the change: now, unless the writer gives one (a CRM syncing an
    -- older change sets updated_at to when it happened; the history is dated by it).
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER touch BEFORE UPDATE ON lead_scoring.contacts
    FOR EACH ROW EXECUTE FUNCTION lead_scoring.touch_contact();

