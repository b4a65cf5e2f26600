/** The operator queue: conversations handed to a person. */
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const handoffs = pgTable(
  'handoffs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: text('session_id').notNull(),
    /** customer_request | misunderstanding | angry | high_value */
    reason: text('reason').notNull(),
    /** waiting | claimed | released | closed */
    status: text('status').notNull().default('waiting'),
    summary: text('summary').notNull().default(''),
    details: jsonb('details')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Opened outside business hours (the customer was told when someone answers). */
    outsideHours: text('outside_hours'),
    claimedBy: uuid('claimed_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('handoffs_status_created_idx').on(t.status, t.createdAt),
    index('handoffs_session_idx').on(t.sessionId),
    uniqueIndex('handoffs_one_open_per_session')
      .on(t.sessionId)
      .where(sql`status IN ('waiting', 'claimed')`),
  ],
);
