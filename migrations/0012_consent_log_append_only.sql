-- The consent log is append-only: UPDATE is always refused; DELETE only inside a transaction that
-- opted in with SET LOCAL frontdesk.consent_retention = 'on' (the privacy retention job), so consent
-- history cannot be rewritten or quietly removed by the application.
CREATE OR REPLACE FUNCTION frontdesk_consent_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('frontdesk.consent_retention', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'consent_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_log_append_only
  BEFORE UPDATE OR DELETE ON "consent_log"
  FOR EACH ROW EXECUTE FUNCTION frontdesk_consent_log_append_only();
