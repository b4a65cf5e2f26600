CREATE TABLE "llm_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"kind" text NOT NULL,
	"http_status" integer,
	"session_id" text
);
--> statement-breakpoint
CREATE INDEX "llm_failures_at_idx" ON "llm_failures" USING btree ("at");--> statement-breakpoint
CREATE INDEX "llm_failures_session_idx" ON "llm_failures" USING btree ("session_id");