/** Storage of leads, their notes, their once-only effects and their CRM links. */
import type { QueryRunner } from '../../platform/db/database.js';

export interface LeadFromConversation {
  sessionId: string;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  areaM2: number | null;
  packageId: string | null;
  budgetPln: number | null;
  quote: unknown;
  locale: string;
  marketingConsent: boolean;
  score: number;
  bookingRequested?: boolean;
}

export interface LeadFromForm {
  idempotencyKey: string | null;
  fingerprint: string | null;
  source: 'form' | 'phone';
  name: string;
  email: string | null;
  phone: string | null;
  message: string | null;
  packageId: string | null;
  areaM2: number | null;
  city: string | null;
  locale: string;
  marketingConsent: boolean;
  score: number;
}

export interface LeadRow {
  id: string;
  source: string;
  sessionId: string | null;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  areaM2: number | null;
  packageId: string | null;
  budgetPln: number | null;
  message: string | null;
  locale: string;
  status: string;
  score: number;
  processingConsent: boolean;
  marketingConsent: boolean;
  consentAt: Date;
  assigneeId: string | null;
  bookingRequestedAt: Date | null;
  unsubscribedAt: Date | null;
  idempotencyFingerprint: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LeadNoteRow {
  id: string;
  leadId: string;
  authorId: string | null;
  text: string;
  createdAt: Date;
}

export interface LeadFilters {
  status?: string[];
  source?: string[];
  minScore?: number;
  maxScore?: number;
  createdFrom?: Date;
  createdTo?: Date;
  q?: string;
}

/** Position in the stable order (newest first, then id). */
export interface LeadCursor {
  createdAt: string;
  id: string;
}

const COLUMNS = `id, source, session_id, first_name, email, phone, city, area_m2, package_id, budget_pln, message,
  locale, status, score, processing_consent, marketing_consent, consent_at, assignee_id, booking_requested_at,
  unsubscribed_at, idempotency_fingerprint, created_at, updated_at`;

function filterSql(f: LeadFilters, params: unknown[]): string {
  const where = ['deleted_at IS NULL'];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.status?.length) where.push(`status = ANY(${add(f.status)}::text[])`);
  if (f.source?.length) where.push(`source = ANY(${add(f.source)}::text[])`);
  if (f.minScore !== undefined) where.push(`score >= ${add(f.minScore)}`);
  if (f.maxScore !== undefined) where.push(`score <= ${add(f.maxScore)}`);
  if (f.createdFrom) where.push(`created_at >= ${add(f.createdFrom.toISOString())}::timestamptz`);
  if (f.createdTo) where.push(`created_at < ${add(f.createdTo.toISOString())}::timestamptz`);
  if (f.q) {
    const like = add(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const digits = f.q.replace(/\D/g, '');
    const phone =
      digits.length >= 3
        ? ` OR regexp_replace(coalesce(phone, ''), '\\D', '', 'g') LIKE ${add(`%${digits}%`)}`
        : '';
    where.push(
      `(first_name ILIKE ${like} OR email ILIKE ${like} OR phone ILIKE ${like} OR city ILIKE ${like}${phone})`,
    );
  }
  return where.join(' AND ');
}

export function createLeadRepository(db: QueryRunner) {
  return {
    /** One lead per conversation: created on first consent, updated as details change. */
    async upsertFromConversation(lead: LeadFromConversation): Promise<{ id: string; created: boolean }> {
      const [row] = await db.query<{ id: string; created: boolean }>(
        `INSERT INTO leads (source, session_id, first_name, email, phone, city, area_m2, package_id, budget_pln,
                            quote, locale, processing_consent, marketing_consent, score, booking_requested_at)
         VALUES ('chat', $1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, true, $11, $12,
                 CASE WHEN $13::boolean THEN now() END)
         ON CONFLICT (session_id) DO UPDATE SET
           first_name = COALESCE(EXCLUDED.first_name, leads.first_name),
           email = COALESCE(EXCLUDED.email, leads.email),
           phone = COALESCE(EXCLUDED.phone, leads.phone),
           city = COALESCE(EXCLUDED.city, leads.city),
           area_m2 = COALESCE(EXCLUDED.area_m2, leads.area_m2),
           package_id = COALESCE(EXCLUDED.package_id, leads.package_id),
           budget_pln = COALESCE(EXCLUDED.budget_pln, leads.budget_pln),
           quote = COALESCE(EXCLUDED.quote, leads.quote),
           locale = EXCLUDED.locale,
           marketing_consent = EXCLUDED.marketing_consent AND leads.unsubscribed_at IS NULL,
           score = EXCLUDED.score,
           booking_requested_at = COALESCE(leads.booking_requested_at, EXCLUDED.booking_requested_at),
           updated_at = now()
         RETURNING id, (xmax = 0) AS created`,
        [
          lead.sessionId,
          lead.firstName,
          lead.email,
          lead.phone,
          lead.city,
          lead.areaM2,
          lead.packageId,
          lead.budgetPln,
          lead.quote === undefined || lead.quote === null ? null : JSON.stringify(lead.quote),
          lead.locale,
          lead.marketingConsent,
          lead.score,
          lead.bookingRequested === true,
        ],
      );
      return { id: row!.id, created: Boolean(row!.created) };
    },

    /** Inserts a form lead; with an idempotency key already used, inserts nothing and returns undefined. */
    async insertFromForm(lead: LeadFromForm): Promise<LeadRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(
        `INSERT INTO leads (source, idempotency_key, idempotency_fingerprint, first_name, email, phone, message,
                            package_id, area_m2, city, locale, processing_consent, marketing_consent, score)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true, $12, $13)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          lead.source,
          lead.idempotencyKey,
          lead.fingerprint,
          lead.name,
          lead.email,
          lead.phone,
          lead.message,
          lead.packageId,
          lead.areaM2,
          lead.city,
          lead.locale,
          lead.marketingConsent,
          lead.score,
        ],
      );
      return row ? toLead(row) : undefined;
    },

    async findByIdempotencyKey(key: string): Promise<LeadRow | undefined> {
      const [r] = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM leads WHERE idempotency_key = $1`,
        [key],
      );
      return r ? toLead(r) : undefined;
    },

    async findBySession(sessionId: string): Promise<LeadRow | undefined> {
      const [r] = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM leads WHERE session_id = $1 AND deleted_at IS NULL`,
        [sessionId],
      );
      return r ? toLead(r) : undefined;
    },

    async findById(id: string, options: { forUpdate?: boolean } = {}): Promise<LeadRow | undefined> {
      const [r] = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM leads WHERE id = $1 AND deleted_at IS NULL${options.forUpdate ? ' FOR UPDATE' : ''}`,
        [id],
      );
      return r ? toLead(r) : undefined;
    },

    async findManyForUpdate(ids: string[]): Promise<LeadRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM leads WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
        [ids],
      );
      return rows.map(toLead);
    },

    /** One page in the stable order (newest first); `limit + 1` rows tell whether more follow. */
    async list(filters: LeadFilters, cursor: LeadCursor | undefined, limit: number): Promise<LeadRow[]> {
      const params: unknown[] = [];
      let where = filterSql(filters, params);
      if (cursor) {
        params.push(cursor.createdAt, cursor.id);
        where += ` AND (created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
      }
      params.push(limit);
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM leads WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toLead);
    },

    async setStatus(id: string, status: string): Promise<void> {
      await db.query(`UPDATE leads SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
    },

    async setAssignee(id: string, assigneeId: string | null): Promise<void> {
      await db.query(`UPDATE leads SET assignee_id = $2, updated_at = now() WHERE id = $1`, [id, assigneeId]);
    },

    async staffExists(id: string): Promise<boolean> {
      const rows = await db.query(`SELECT 1 FROM staff_users WHERE id = $1`, [id]);
      return rows.length > 0;
    },

    async addNote(leadId: string, authorId: string | null, text: string): Promise<LeadNoteRow> {
      const [r] = await db.query<Record<string, unknown>>(
        `INSERT INTO lead_notes (lead_id, author_id, text) VALUES ($1, $2, $3)
         RETURNING id, lead_id, author_id, text, created_at`,
        [leadId, authorId, text],
      );
      return toNote(r!);
    },

    async notes(leadId: string): Promise<LeadNoteRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT id, lead_id, author_id, text, created_at FROM lead_notes WHERE lead_id = $1
          ORDER BY created_at, id`,
        [leadId],
      );
      return rows.map(toNote);
    },

    /** Claims a once-only effect for a lead; false when it was claimed before. */
    async claimEffect(leadId: string, effect: string): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO lead_effects (lead_id, effect) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING lead_id`,
        [leadId, effect],
      );
      return rows.length > 0;
    },

    async setEffectJob(leadId: string, effect: string, jobId: string | null): Promise<void> {
      await db.query(`UPDATE lead_effects SET job_id = $3 WHERE lead_id = $1 AND effect = $2`, [
        leadId,
        effect,
        jobId,
      ]);
    },

    async crmLink(leadId: string, provider: string): Promise<string | undefined> {
      const [r] = await db.query<{ external_id: string }>(
        `SELECT external_id FROM lead_crm_links WHERE lead_id = $1 AND provider = $2`,
        [leadId, provider],
      );
      return r?.external_id;
    },

    async saveCrmLink(leadId: string, provider: string, externalId: string): Promise<void> {
      await db.query(
        `INSERT INTO lead_crm_links (lead_id, provider, external_id) VALUES ($1, $2, $3)
         ON CONFLICT (lead_id, provider) DO UPDATE SET external_id = EXCLUDED.external_id, synced_at = now()`,
        [leadId, provider, externalId],
      );
    },

    /** Stops marketing e-mail for the lead(s); returns the ids affected. */
    async unsubscribe(target: { leadId: string } | { email: string }): Promise<string[]> {
      const [where, value] =
        'leadId' in target ? ['id = $1', target.leadId] : ['lower(email) = lower($1)', target.email];
      const rows = await db.query<{ id: string }>(
        `UPDATE leads SET unsubscribed_at = COALESCE(unsubscribed_at, now()), marketing_consent = false,
                          updated_at = now()
          WHERE ${where} AND deleted_at IS NULL RETURNING id`,
        [value],
      );
      return rows.map((r) => r.id);
    },

    /**
     * Leads due for a follow-up step: created at least `afterHours` ago (but not more than a week past
     * that, so a newly added step does not mail old leads), with an e-mail and marketing consent, not
     * unsubscribed, not booked, still open, and not sent this step.
     */
    async dueForFollowup(step: string, afterHours: number, now: Date, limit: number): Promise<LeadRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM leads l
          WHERE l.deleted_at IS NULL AND l.anonymized_at IS NULL
            AND l.email IS NOT NULL AND l.marketing_consent AND l.unsubscribed_at IS NULL
            AND l.booking_requested_at IS NULL AND l.status IN ('new', 'contacted')
            AND l.created_at <= $2::timestamptz - make_interval(hours => $3)
            AND l.created_at > $2::timestamptz - make_interval(hours => $3 + 168)
            AND NOT EXISTS (SELECT 1 FROM lead_effects e WHERE e.lead_id = l.id AND e.effect = $1)
          ORDER BY l.created_at LIMIT $4`,
        [`followup:${step}`, now.toISOString(), afterHours, limit],
      );
      return rows.map(toLead);
    },
  };
}

function date(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : date(v);
}

export function toLead(r: Record<string, unknown>): LeadRow {
  return {
    id: String(r.id),
    source: String(r.source),
    sessionId: (r.session_id as string | null) ?? null,
    firstName: (r.first_name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    city: (r.city as string | null) ?? null,
    areaM2: r.area_m2 === null || r.area_m2 === undefined ? null : Number(r.area_m2),
    packageId: (r.package_id as string | null) ?? null,
    budgetPln: r.budget_pln === null || r.budget_pln === undefined ? null : Number(r.budget_pln),
    message: (r.message as string | null) ?? null,
    locale: String(r.locale ?? 'pl'),
    status: String(r.status),
    score: Number(r.score),
    processingConsent: Boolean(r.processing_consent),
    marketingConsent: Boolean(r.marketing_consent),
    consentAt: date(r.consent_at),
    assigneeId: (r.assignee_id as string | null) ?? null,
    bookingRequestedAt: dateOrNull(r.booking_requested_at),
    unsubscribedAt: dateOrNull(r.unsubscribed_at),
    idempotencyFingerprint: (r.idempotency_fingerprint as string | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

function toNote(r: Record<string, unknown>): LeadNoteRow {
  return {
    id: String(r.id),
    leadId: String(r.lead_id),
    authorId: (r.author_id as string | null) ?? null,
    text: String(r.text),
    createdAt: date(r.created_at),
  };
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;
