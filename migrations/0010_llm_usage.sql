ALTER TABLE "chat_sessions" ADD COLUMN "llm_tokens_in" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD COLUMN "llm_tokens_out" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD COLUMN "llm_cost_usd" numeric(12, 6) DEFAULT 0 NOT NULL;