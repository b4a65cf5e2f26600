/**
 * The blocklist: client addresses and chat sessions refused for a while. A row exists only while its
 * block lasts plus a short grace (BLOCKLIST_GRACE_HOURS in service.ts), because an address is personal data.
 */
import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const blocklist = pgTable(
  'blocklist',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `ip` (an IPv4 address or an IPv6 /64) or `session` (a chat session id). */
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    /** `rate_limit`, `abuse` or `invalid_payload` for automatic blocks; the staff member's text otherwise. */
    reason: text('reason').notNull(),
    /** Violations counted in the window that led to the block, by reason. */
    violations: jsonb('violations')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** `system`, or `user:<staff id>` / `token:<api token id>`. */
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('blocklist_subject_key').on(t.kind, t.value),
    index('blocklist_expires_idx').on(t.expiresAt),
    check('blocklist_kind_check', sql`${t.kind} IN ('ip', 'session')`),
  ],
);
