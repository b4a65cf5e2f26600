CREATE TABLE "blocklist" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"reason" text NOT NULL,
	"violations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "blocklist_kind_check" CHECK ("blocklist"."kind" IN ('ip', 'session'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "blocklist_subject_key" ON "blocklist" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "blocklist_expires_idx" ON "blocklist" USING btree ("expires_at");