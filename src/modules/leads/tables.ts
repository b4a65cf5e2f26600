/** Leads: people who asked to be contacted, with their consent. */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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
  },
  (t) => [
    uniqueIndex('leads_session_uq').on(t.sessionId),
    uniqueIndex('leads_idempotency_uq').on(t.idempotencyKey),
    index('leads_status_created_idx').on(t.status, t.createdAt),
    index('leads_email_idx').on(sql`lower(${t.email})`),
  ],
);
