/**
 * The audit log: one append-only row per staff write and per security event. A trigger (hand-written
 * migration) refuses UPDATE always and DELETE unless a retention job opts in.
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** user | token | anonymous | system */
    actorType: text('actor_type').notNull(),
    /** Staff user id or API token id; null for anonymous and system events. */
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** Keyed hash of the client address: correlates events without keeping the address. */
    ipHash: text('ip_hash'),
    requestId: text('request_id'),
    details: jsonb('details')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorId, t.id),
    index('audit_log_action_idx').on(t.action, t.id),
  ],
);
