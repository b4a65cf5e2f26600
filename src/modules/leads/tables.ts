/** Leads: people who asked to be contacted, with their consent. */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { staffUsers } from '../auth/tables.js';

export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** chat, form or phone. */
    source: text('source').notNull(),
    /** The conversation the lead came from (one lead per conversation). */
    sessionId: text('session_id'),
    idempotencyKey: text('idempotency_key'),
    firstName: text('first_name'),
    email: text('email'),
    phone: text('phone'),
    city: text('city'),
    areaM2: integer('area_m2'),
    packageId: text('package_id'),
    budgetPln: integer('budget_pln'),
    quote: jsonb('quote'),
    message: text('message'),
    locale: text('locale').notNull().default('pl'),
    processingConsent: boolean('processing_consent').notNull(),
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    consentAt: timestamp('consent_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status').notNull().default('new'),
    score: integer('score').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    anonymizedAt: timestamp('anonymized_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** SHA-256 of the canonical form body sent with the Idempotency-Key (same key, other body → 422). */
    idempotencyFingerprint: text('idempotency_fingerprint'),
    /** The staff member who owns the lead. */
    assigneeId: uuid('assignee_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    /** The customer asked for a consultation (chat) — follow-ups stop once booked. */
    bookingRequestedAt: timestamp('booking_requested_at', { withTimezone: true }),
    /** Marketing e-mails (follow-ups) stop for good from this moment. */
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('leads_session_uq').on(t.sessionId),
    uniqueIndex('leads_idempotency_uq').on(t.idempotencyKey),
    index('leads_status_created_idx').on(t.status, t.createdAt),
    index('leads_email_idx').on(sql`lower(${t.email})`),
    index('leads_created_idx').on(t.createdAt, t.id),
    check('leads_status_check', sql`${t.status} IN ('new', 'contacted', 'qualified', 'won', 'lost')`),
    check('leads_source_check', sql`${t.source} IN ('chat', 'form', 'phone')`),
  ],
);

/** Staff notes on a lead. */
export const leadNotes = pgTable(
  'lead_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    /** The staff member who wrote it (null once that account is deleted). */
    authorId: uuid('author_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lead_notes_lead_idx').on(t.leadId, t.createdAt)],
);

/**
 * Outward effects that may happen at most once per lead (the hot-lead alert, the confirmation e-mail,
 * each follow-up step…): the row is inserted in the transaction that queues the effect, so a second
 * attempt to queue it finds the row and does nothing.
 */
export const leadEffects = pgTable(
  'lead_effects',
  {
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    /** The effect, e.g. `slack.hot_lead` or `followup:reminder_24h`. */
    effect: text('effect').notNull(),
    /** The job that delivers it (also the event id sent to the provider). */
    jobId: uuid('job_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.leadId, t.effect] })],
);

/** The record a CRM holds for a lead (so an update never creates a second item). */
export const leadCrmLinks = pgTable(
  'lead_crm_links',
  {
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    externalId: text('external_id').notNull(),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.leadId, t.provider] })],
);
