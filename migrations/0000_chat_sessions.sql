CREATE TABLE "chat_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"channel" text DEFAULT 'web' NOT NULL,
	"locale" text DEFAULT 'pl' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"end_reason" text,
	"engine" text DEFAULT 'offline' NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"message_count" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"anonymized_at" timestamp with time zone,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "chat_sessions_status_activity_idx" ON "chat_sessions" USING btree ("status","last_activity_at");--> statement-breakpoint
CREATE INDEX "chat_sessions_created_idx" ON "chat_sessions" USING btree ("created_at");