/** Storage of leads. */
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
  status: string;
  score: number;
  processingConsent: boolean;
  marketingConsent: boolean;
  createdAt: Date;
}

export function createLeadRepository(db: QueryRunner) {
  return {
    /** One lead per conversation: created on first consent, updated as details change. */
    async upsertFromConversation(lead: LeadFromConversation): Promise<{ id: string; created: boolean }> {
      const [row] = await db.query<{ id: string; created: boolean }>(
        `INSERT INTO leads (source, session_id, first_name, email, phone, city, area_m2, package_id, budget_pln,
                            quote, locale, processing_consent, marketing_consent, score)
         VALUES ('chat', $1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, true, $11, $12)
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
           marketing_consent = EXCLUDED.marketing_consent,
           score = EXCLUDED.score,
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
        ],
      );
      return { id: row!.id, created: Boolean(row!.created) };
    },

    async findBySession(sessionId: string): Promise<LeadRow | undefined> {
      const [r] = await db.query<Record<string, unknown>>(
        `SELECT id, source, session_id, first_name, email, phone, city, area_m2, package_id, status, score,
                processing_consent, marketing_consent, created_at
           FROM leads WHERE session_id = $1 AND deleted_at IS NULL`,
        [sessionId],
      );
      return r ? toLead(r) : undefined;
    },
  };
}

function toLead(r: Record<string, unknown>): LeadRow {
  return {
    id: String(r.id),
    source: String(r.source),
    sessionId: (r.session_id as string | null) ?? null,
    firstName: (r.first_name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    city: (r.city as string | null) ?? null,
    areaM2: (r.area_m2 as number | null) ?? null,
    packageId: (r.package_id as string | null) ?? null,
    status: String(r.status),
    score: Number(r.score),
    processingConsent: Boolean(r.processing_consent),
    marketingConsent: Boolean(r.marketing_consent),
    createdAt: new Date(r.created_at as string),
  };
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;
