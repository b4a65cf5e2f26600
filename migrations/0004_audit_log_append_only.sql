-- The audit log is append-only: UPDATE is always refused; DELETE only inside a transaction that
-- opted in with SET LOCAL frontdesk.audit_retention = 'on' (the retention job), so entries cannot be
-- rewritten or quietly removed by the application.
CREATE OR REPLACE FUNCTION frontdesk_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('frontdesk.audit_retention', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION frontdesk_audit_log_append_only();
