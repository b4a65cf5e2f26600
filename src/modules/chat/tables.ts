/**
 * Conversation storage. chat_messages is partitioned by month (hand-written migration); its drizzle
 * definition below is for queries only and is not used to generate DDL.
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    channel: text('channel').notNull().default('web'),
    locale: text('locale').notNull().default('pl'),
    status: text('status').notNull().default('active'),
    endReason: text('end_reason'),
    engine: text('engine').notNull().default('offline'),
    /** LLM tokens and cost of the whole conversation (0 while only the offline engine answered). */
    llmTokensIn: integer('llm_tokens_in').notNull().default(0),
    llmTokensOut: integer('llm_tokens_out').notNull().default(0),
    llmCostUsd: numeric('llm_cost_usd', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
    state: jsonb('state')
      .notNull()
      .default(sql`'{}'::jsonb`),
    messageCount: integer('message_count').notNull().default(0),
    /** Optimistic-concurrency version: every turn writes with the version it read. */
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** When the idle conversation was last nudged; one nudge per idle period (nudged_at < last_activity_at). */
    nudgedAt: timestamp('nudged_at', { withTimezone: true }),
    /** Live handoff state: null (the assistant answers), 'waiting' (queued for an operator) or 'claimed'. */
    handoffStatus: text('handoff_status'),
    anonymizedAt: timestamp('anonymized_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('chat_sessions_status_activity_idx').on(t.status, t.lastActivityAt),
    index('chat_sessions_created_idx').on(t.createdAt),
  ],
);
