CREATE TABLE "consent_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"subject_hash" text,
	"lead_id" uuid,
	"session_id" text,
	"purpose" text NOT NULL,
	"old_value" text NOT NULL,
	"new_value" text NOT NULL,
	"source" text NOT NULL,
	"ip_hash" text,
	CONSTRAINT "consent_log_purpose_check" CHECK ("consent_log"."purpose" IN ('processing', 'marketing'))
);
--> statement-breakpoint
CREATE TABLE "privacy_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"origin" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"email" text,
	"subject_hash" text NOT NULL,
	"locale" text DEFAULT 'pl' NOT NULL,
	"token_hash" text,
	"download_token_hash" text,
	"ip_hash" text,
	"actor_id" text,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"download_expires_at" timestamp with time zone,
	"downloaded_at" timestamp with time zone,
	CONSTRAINT "privacy_requests_kind_check" CHECK ("privacy_requests"."kind" IN ('export', 'erase')),
	CONSTRAINT "privacy_requests_status_check" CHECK ("privacy_requests"."status" IN ('pending', 'completed', 'expired'))
);
--> statement-breakpoint
CREATE INDEX "consent_log_subject_idx" ON "consent_log" USING btree ("subject_hash","id");--> statement-breakpoint
CREATE INDEX "consent_log_lead_idx" ON "consent_log" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "consent_log_at_idx" ON "consent_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "privacy_requests_token_key" ON "privacy_requests" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "privacy_requests_download_key" ON "privacy_requests" USING btree ("download_token_hash");--> statement-breakpoint
CREATE INDEX "privacy_requests_subject_idx" ON "privacy_requests" USING btree ("subject_hash","created_at");--> statement-breakpoint
CREATE INDEX "privacy_requests_created_idx" ON "privacy_requests" USING btree ("created_at");