/**
 * Privacy records: the append-only consent log (every change of a customer's consent) and the data
 * subject requests (export and erasure), verified by e-mail or made by staff.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * One row per consent change. Append-only: a trigger (hand-written migration) refuses UPDATE always
 * and DELETE unless the retention job opts in, like audit_log. Holds no personal data in clear: the
 * person is a keyed hash of their e-mail address (or phone number), the address a keyed hash too.
 */
export const consentLog = pgTable(
  'consent_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Keyed hash (HMAC with SESSION_SECRET) of the lower-cased e-mail, or of the phone digits. */
    subjectHash: text('subject_hash'),
    leadId: uuid('lead_id'),
    sessionId: text('session_id'),
    /** processing | marketing */
    purpose: text('purpose').notNull(),
    /** given | withdrawn | unknown (no earlier value) */
    oldValue: text('old_value').notNull(),
    newValue: text('new_value').notNull(),
    /** chat | form | unsubscribe | erasure | staff */
    source: text('source').notNull(),
    ipHash: text('ip_hash'),
  },
  (t) => [
    index('consent_log_subject_idx').on(t.subjectHash, t.id),
    index('consent_log_lead_idx').on(t.leadId),
    index('consent_log_at_idx').on(t.at),
    check('consent_log_purpose_check', sql`${t.purpose} IN ('processing', 'marketing')`),
  ],
);

/** Export and erasure requests. The e-mail address is kept only until the request is finished. */
export const privacyRequests = pgTable(
  'privacy_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** export | erase */
    kind: text('kind').notNull(),
    /** public (verified by e-mail) | staff */
    origin: text('origin').notNull(),
    /** pending | completed | expired */
    status: text('status').notNull().default('pending'),
    /** The address to verify and search for; cleared when the request is finished or expires. */
    email: text('email'),
    subjectHash: text('subject_hash').notNull(),
    locale: text('locale').notNull().default('pl'),
    /** SHA-256 of the verification token sent by e-mail. */
    tokenHash: text('token_hash'),
    /** SHA-256 of the one-time download token of an export. */
    downloadTokenHash: text('download_token_hash'),
    ipHash: text('ip_hash'),
    /** Staff member or API token that made a staff request. */
    actorId: text('actor_id'),
    /** Counts of what was exported or erased, and where the data still remains (backups). */
    result: jsonb('result')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    downloadExpiresAt: timestamp('download_expires_at', { withTimezone: true }),
    downloadedAt: timestamp('downloaded_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('privacy_requests_token_key').on(t.tokenHash),
    uniqueIndex('privacy_requests_download_key').on(t.downloadTokenHash),
    index('privacy_requests_subject_idx').on(t.subjectHash, t.createdAt),
    index('privacy_requests_created_idx').on(t.createdAt),
    check('privacy_requests_kind_check', sql`${t.kind} IN ('export', 'erase')`),
    check('privacy_requests_status_check', sql`${t.status} IN ('pending', 'completed', 'expired')`),
  ],
);
