/** Live events (for WebSocket clients that reconnect) and one-time tickets of the admin WebSocket. */
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const liveEvents = pgTable(
  'live_events',
  {
    /** Global, commit-ordered sequence: the event id both streams resume from. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id'),
    /** 'all': the customer's widget and staff; 'staff': staff only. */
    audience: text('audience').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('live_events_session_idx').on(t.sessionId, t.id),
    index('live_events_created_idx').on(t.createdAt),
  ],
);

export const liveTickets = pgTable('live_tickets', {
  /** SHA-256 of the ticket; the ticket itself is never stored. */
  hash: text('hash').primaryKey(),
  staffId: uuid('staff_id'),
  staffKind: text('staff_kind').notNull(),
  role: text('role').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
