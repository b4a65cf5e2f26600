/** Files customers attached to their conversations (the bytes live in the file storage). */
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const uploads = pgTable(
  'uploads',
  {
    /** Random id; also the storage key, so no part of a customer's file name ever becomes a path. */
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: text('session_id').notNull(),
    /** The lead of the conversation, when it had one at upload time. */
    leadId: uuid('lead_id'),
    /** The format recognised from the bytes: jpeg, png, webp or pdf. */
    kind: text('kind').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    /** Hex SHA-256 of the content. */
    sha256: text('sha256').notNull(),
    /** The customer's file name, sanitised; metadata only (shown to staff, sent on download). */
    originalName: text('original_name').notNull(),
    storageKey: text('storage_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('uploads_session_created_idx').on(t.sessionId, t.createdAt),
    index('uploads_lead_idx').on(t.leadId),
    index('uploads_sha256_idx').on(t.sha256),
  ],
);
