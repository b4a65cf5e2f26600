/** Leads: created from conversations (with consent) and forms; scored; kept with their consent. */
import type { Database, QueryRunner } from '../../platform/db/database.js';
import { createLeadRepository, type LeadRow } from './repository.js';
import { scoreLead } from './scoring.js';

export interface ConversationLeadInput {
  sessionId: string;
  locale: string;
  details: {
    firstName?: string | null;
    email?: string | null;
    phone?: string | null;
    city?: string | null;
    areaM2?: number | null;
    packageId?: string | null;
    budgetPln?: number | null;
  };
  marketingConsent: boolean;
  quote?: { min: number; max: number } | null;
  inServiceArea: boolean;
  bookingRequested: boolean;
}

export function createLeadService(deps: { db: Database }) {
  return {
    /**
     * Creates or updates the lead of a conversation. Call only after the customer consented to
     * processing; pass the transaction of the turn that produced it.
     */
    async saveFromConversation(input: ConversationLeadInput, tx: QueryRunner = deps.db) {
      const d = input.details;
      const score = scoreLead({
        email: d.email ?? null,
        phone: d.phone ?? null,
        areaM2: d.areaM2 ?? null,
        packageId: d.packageId ?? null,
        city: d.city ?? null,
        inServiceArea: input.inServiceArea,
        budgetPln: d.budgetPln ?? null,
        quoteMaxPln: input.quote?.max ?? null,
        bookingRequested: input.bookingRequested,
      });
      return createLeadRepository(tx).upsertFromConversation({
        sessionId: input.sessionId,
        firstName: d.firstName ?? null,
        email: d.email ?? null,
        phone: d.phone ?? null,
        city: d.city ?? null,
        areaM2: d.areaM2 === null || d.areaM2 === undefined ? null : Math.round(d.areaM2),
        packageId: d.packageId ?? null,
        budgetPln: d.budgetPln ?? null,
        quote: input.quote ?? null,
        locale: input.locale,
        marketingConsent: input.marketingConsent,
        score,
      });
    },

    async findBySession(sessionId: string): Promise<LeadRow | undefined> {
      return createLeadRepository(deps.db).findBySession(sessionId);
    },
  };
}

export type LeadService = ReturnType<typeof createLeadService>;
