/** Query-side definition of the month-partitioned chat_messages table (DDL in migrations/0001_*.sql). */
import { bigserial, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const chatMessages = pgTable('chat_messages', {
  id: bigserial('id', { mode: 'number' }).notNull(),
  sessionId: text('session_id').notNull(),
  role: text('role').notNull(),
  text: text('text').notNull(),
  meta: jsonb('meta'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
