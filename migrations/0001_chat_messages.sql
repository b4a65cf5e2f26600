-- Chat messages, partitioned by month on created_at. Partitions are created ahead of time by
-- frontdesk_ensure_month_partitions(), called at start-up and by the daily partition job.
CREATE OR REPLACE FUNCTION frontdesk_ensure_month_partitions(parent text, months_ahead integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  month_start date := date_trunc('month', now())::date;
  created integer := 0;
  part_name text;
  i integer;
BEGIN
  FOR i IN 0..months_ahead LOOP
    part_name := parent || '_' || to_char(month_start + make_interval(months => i), 'YYYY_MM');
    IF to_regclass(part_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        part_name,
        parent,
        month_start + make_interval(months => i),
        month_start + make_interval(months => i + 1)
      );
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
CREATE TABLE "chat_messages" (
  "id" bigserial NOT NULL,
  "session_id" text NOT NULL,
  "role" text NOT NULL,
  "text" text NOT NULL,
  "meta" jsonb,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE INDEX "chat_messages_session_idx" ON "chat_messages" ("session_id", "created_at", "id");
--> statement-breakpoint
SELECT frontdesk_ensure_month_partitions('chat_messages', 3);
