-- Periodic tasks run once per period across replicas: each run is claimed by an atomic UPDATE.
CREATE TABLE IF NOT EXISTS "frontdesk_scheduled_tasks" (
  "name" text PRIMARY KEY,
  "last_started_at" timestamp with time zone NOT NULL DEFAULT 'epoch',
  "last_finished_at" timestamp with time zone,
  "last_error" text,
  "runs" integer NOT NULL DEFAULT 0
);
