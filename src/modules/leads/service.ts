/**
 * Leads: created from conversations (with consent) and forms; scored; moved through the status
 * pipeline by staff; annotated with notes. Every change that the outside world should hear about
 * queues its effects (CRM, notifications, e-mail, booking) in the same transaction (effects.ts).
 */
import crypto from 'node:crypto';
import { AppError, BadRequestError, ConflictError, NotFoundError } from '../../http/errors.js';
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import { LEAD_EFFECT, queueLeadEffects, queueOnce, type EffectPolicy, type EffectQueue } from './effects.js';
import type { FollowupStep } from './followups.js';
import {
  createLeadRepository,
  type LeadCursor,
  type LeadFilters,
  type LeadNoteRow,
  type LeadRow,
} from './repository.js';
import { scoreLead } from './scoring.js';

export type { LeadRow, LeadNoteRow, LeadFilters, LeadCursor };

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** The status pipeline: which status may follow which (docs/leads.md). */
export const STATUS_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'lost'],
  contacted: ['qualified', 'lost'],
  qualified: ['won', 'lost'],
  won: [],
  lost: [],
};

export class LeadNotFoundError extends NotFoundError {
  constructor(message = 'This lead does not exist.') {
    super(message, 'lead_not_found');
  }
}

export class InvalidStatusTransitionError extends ConflictError {
  constructor(from: string, to: string) {
    super(
      `A lead cannot go from ${from} to ${to}. Allowed from ${from}: ${
        STATUS_TRANSITIONS[from as LeadStatus]?.join(', ') || 'nothing (final status)'
      }.`,
      'invalid_status_transition',
    );
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      'idempotency_key_reused',
      422,
      'This Idempotency-Key was already used for a different request. Use a new key for new data.',
    );
  }
}

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
  /** The customer's address, for the consent log (stored there only as a keyed hash). */
  clientIp?: string | undefined;
}

/** A change of a lead's consent, reported to the consent log (privacy module). */
export interface LeadConsentChange {
  leadId: string;
  sessionId: string | null;
  email: string | null;
  phone: string | null;
  purpose: 'processing' | 'marketing';
  old: boolean | null;
  new: boolean;
  source: 'chat' | 'form';
  clientIp?: string | undefined;
}

export interface FormLeadInput {
  name: string;
  email?: string | undefined;
  phone?: string | undefined;
  message?: string | undefined;
  package?: string | undefined;
  area?: number | undefined;
  city?: string | undefined;
  locale: string;
  consent: { processing: true; marketing?: boolean | undefined };
}

export interface LeadServiceDeps {
  db: Database;
  /** The job queue that delivers the effects; without it no effects are queued. */
  queue?: EffectQueue;
  policy?: EffectPolicy;
  logger?: Logger;
  /** Whether a city is in the business's service area (scoring). */
  inServiceArea?: (city: string) => boolean;
  /** The highest price estimate for a package and area, when the package is known (scoring). */
  estimateMaxPln?: (packageId: string, areaM2: number) => number | undefined;
  followupSteps?: FollowupStep[];
  /** Records consent given or withdrawn, in the transaction of the change. */
  onConsentChange?: (tx: QueryRunner, change: LeadConsentChange) => Promise<void>;
}

/** SHA-256 of a value's canonical JSON (keys sorted), to recognise the same request body again. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export function createLeadService(deps: LeadServiceDeps) {
  const { db } = deps;
  const policy: EffectPolicy = deps.policy ?? { hotLeadMinScore: 60 };
  const repo = createLeadRepository(db);

  async function effects(tx: QueryRunner, lead: LeadRow, change: Parameters<typeof queueLeadEffects>[3]) {
    if (deps.queue) await queueLeadEffects(tx, deps.queue, lead, change, policy);
  }

  async function changeStatus(
    tx: QueryRunner,
    lead: LeadRow,
    status: LeadStatus,
  ): Promise<{ lead: LeadRow; changed: boolean }> {
    if (lead.status === status) return { lead, changed: false };
    if (!STATUS_TRANSITIONS[lead.status as LeadStatus]?.includes(status)) {
      throw new InvalidStatusTransitionError(lead.status, status);
    }
    const r = createLeadRepository(tx);
    await r.setStatus(lead.id, status);
    const updated = { ...lead, status };
    await effects(tx, updated, { type: 'lead.status_changed', previousStatus: lead.status });
    return { lead: updated, changed: true };
  }

  async function reportConsent(
    tx: QueryRunner,
    before: LeadRow | undefined,
    after: LeadRow,
    source: 'chat' | 'form',
    clientIp: string | undefined,
  ): Promise<void> {
    if (!deps.onConsentChange) return;
    const base = {
      leadId: after.id,
      sessionId: after.sessionId,
      email: after.email,
      phone: after.phone,
      source,
      clientIp,
    };
    for (const purpose of ['processing', 'marketing'] as const) {
      const key = purpose === 'processing' ? 'processingConsent' : 'marketingConsent';
      const old = before ? before[key] : null;
      if (old !== after[key] && (old !== null || after[key] || purpose === 'marketing')) {
        await deps.onConsentChange(tx, { ...base, purpose, old, new: after[key] });
      }
    }
  }

  return {
    /**
     * Creates or updates the lead of a conversation. Call only after the customer consented to
     * processing; pass the transaction of the turn that produced it (its effects join that transaction).
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
      const r = createLeadRepository(tx);
      const before = await r.findBySession(input.sessionId);
      const saved = await r.upsertFromConversation({
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
        bookingRequested: input.bookingRequested,
      });
      if (deps.onConsentChange) {
        const after = await r.findById(saved.id);
        if (after) await reportConsent(tx, before, after, 'chat', input.clientIp);
      }
      if (deps.queue) {
        const after = await r.findById(saved.id);
        if (after) {
          await effects(tx, after, {
            type: saved.created ? 'lead.created' : 'lead.updated',
            detailsChanged: before ? detailsDiffer(before, after) : true,
          });
        }
      }
      return saved;
    },

    /**
     * The public contact form. With an idempotency key, the same key always yields the same lead:
     * `created` is true only for the request that created it; the same key with another body is refused.
     */
    async createFromForm(
      input: FormLeadInput,
      idempotencyKey?: string,
      context: { clientIp?: string | undefined } = {},
    ): Promise<{ lead: LeadRow; created: boolean }> {
      const print = idempotencyKey ? fingerprint(input) : null;
      const area = input.area === undefined ? null : Math.round(input.area);
      const score = scoreLead({
        email: input.email ?? null,
        phone: input.phone ?? null,
        areaM2: area,
        packageId: input.package ?? null,
        city: input.city ?? null,
        inServiceArea: input.city ? (deps.inServiceArea?.(input.city) ?? false) : false,
        budgetPln: null,
        quoteMaxPln: input.package && area ? (deps.estimateMaxPln?.(input.package, area) ?? null) : null,
        bookingRequested: false,
        hasMessage: Boolean(input.message?.trim()),
      });
      const result = await db.transaction(async (tx) => {
        const r = createLeadRepository(tx);
        const inserted = await r.insertFromForm({
          idempotencyKey: idempotencyKey ?? null,
          fingerprint: print,
          source: 'form',
          name: input.name,
          email: input.email ?? null,
          phone: input.phone ?? null,
          message: input.message ?? null,
          packageId: input.package ?? null,
          areaM2: area,
          city: input.city ?? null,
          locale: input.locale,
          marketingConsent: input.consent.marketing === true,
          score,
        });
        if (inserted) await reportConsent(tx, undefined, inserted, 'form', context.clientIp);
        if (inserted) await effects(tx, inserted, { type: 'lead.created' });
        return inserted;
      });
      if (result) return { lead: result, created: true };
      // The key was used before (possibly by a request that committed a moment ago).
      const existing = await repo.findByIdempotencyKey(idempotencyKey!);
      if (!existing) throw new Error('idempotent insert found neither a new nor an existing lead');
      if (existing.idempotencyFingerprint !== print) throw new IdempotencyKeyReusedError();
      return { lead: existing, created: false };
    },

    async findBySession(sessionId: string): Promise<LeadRow | undefined> {
      return repo.findBySession(sessionId);
    },

    async get(id: string): Promise<{ lead: LeadRow; notes: LeadNoteRow[] }> {
      const lead = await repo.findById(id);
      if (!lead) throw new LeadNotFoundError();
      return { lead, notes: await repo.notes(id) };
    },

    /** The lead as the integrations deliver it (undefined when it was deleted meanwhile). */
    async forDelivery(id: string): Promise<LeadRow | undefined> {
      return repo.findById(id);
    },

    async list(
      filters: LeadFilters,
      cursor: LeadCursor | undefined,
      limit: number,
    ): Promise<{ leads: LeadRow[]; nextCursor: LeadCursor | null }> {
      const rows = await repo.list(filters, cursor, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        leads: page,
        nextCursor:
          rows.length > limit && last ? { createdAt: last.createdAt.toISOString(), id: last.id } : null,
      };
    },

    /** Every matching lead in the stable order, read page by page (for exports). */
    async *iterate(filters: LeadFilters, pageSize = 500): AsyncGenerator<LeadRow> {
      let cursor: LeadCursor | undefined;
      for (;;) {
        const rows = await repo.list(filters, cursor, pageSize);
        for (const row of rows) yield row;
        const last = rows.at(-1);
        if (rows.length < pageSize || !last) return;
        cursor = { createdAt: last.createdAt.toISOString(), id: last.id };
      }
    },

    /** Changes status and/or assignee; a status change queues its effects. */
    async update(id: string, change: { status?: LeadStatus; assigneeId?: string | null }): Promise<LeadRow> {
      return db.transaction(async (tx) => {
        const r = createLeadRepository(tx);
        let lead = await r.findById(id, { forUpdate: true });
        if (!lead) throw new LeadNotFoundError();
        if (change.assigneeId !== undefined && change.assigneeId !== lead.assigneeId) {
          if (change.assigneeId !== null && !(await r.staffExists(change.assigneeId))) {
            throw new BadRequestError('The assignee is not a staff member.', 'unknown_assignee');
          }
          await r.setAssignee(id, change.assigneeId);
          lead = { ...lead, assigneeId: change.assigneeId };
        }
        if (change.status) lead = (await changeStatus(tx, lead, change.status)).lead;
        return (await r.findById(id)) ?? lead;
      });
    },

    /** Moves several leads to one status, all or none. */
    async bulkStatus(ids: string[], status: LeadStatus): Promise<{ updated: number; unchanged: number }> {
      const unique = [...new Set(ids)];
      return db.transaction(async (tx) => {
        const r = createLeadRepository(tx);
        const leads = await r.findManyForUpdate(unique);
        if (leads.length !== unique.length) {
          const found = new Set(leads.map((l) => l.id));
          throw new LeadNotFoundError(
            `These leads do not exist: ${unique.filter((id) => !found.has(id)).join(', ')}. Nothing was changed.`,
          );
        }
        let updated = 0;
        for (const lead of leads) {
          if ((await changeStatus(tx, lead, status)).changed) updated++;
        }
        return { updated, unchanged: leads.length - updated };
      });
    },

    async addNote(leadId: string, authorId: string | null, text: string): Promise<LeadNoteRow> {
      return db.transaction(async (tx) => {
        const r = createLeadRepository(tx);
        if (!(await r.findById(leadId))) throw new LeadNotFoundError();
        return r.addNote(leadId, authorId, text);
      });
    },

    /**
     * Stops marketing e-mail (follow-ups) for a lead, or every lead of an e-mail address, at once:
     * the consent flag is cleared, and a follow-up already queued checks it again before sending.
     */
    async unsubscribe(target: { leadId: string } | { email: string }): Promise<{ leadIds: string[] }> {
      const leadIds = await repo.unsubscribe(target);
      deps.logger?.info({ leads: leadIds.length }, 'marketing e-mail stopped');
      return { leadIds };
    },

    /** Whether a follow-up may still be sent to this lead now. */
    async followupAllowed(leadId: string): Promise<boolean> {
      const lead = await repo.findById(leadId);
      return Boolean(
        lead &&
        lead.email &&
        lead.marketingConsent &&
        !lead.unsubscribedAt &&
        !lead.bookingRequestedAt &&
        (lead.status === 'new' || lead.status === 'contacted'),
      );
    },

    /** Queues the follow-up steps that are due (each at most once per lead). Returns how many. */
    async queueDueFollowups(now = new Date(), batch = 200): Promise<number> {
      const queue = deps.queue;
      if (!queue) return 0;
      let queued = 0;
      for (const step of deps.followupSteps ?? []) {
        const due = await repo.dueForFollowup(step.id, step.afterHours, now, batch);
        for (const lead of due) {
          const jobId = await db.transaction((tx) =>
            queueOnce(tx, queue, lead.id, `followup:${step.id}`, LEAD_EFFECT.followup, {
              leadId: lead.id,
              step: step.id,
            }),
          );
          if (jobId) queued++;
        }
      }
      return queued;
    },

    followupStep(id: string): FollowupStep | undefined {
      return deps.followupSteps?.find((s) => s.id === id);
    },

    crmLink: (leadId: string, provider: string) => repo.crmLink(leadId, provider),
    saveCrmLink: (leadId: string, provider: string, externalId: string) =>
      repo.saveCrmLink(leadId, provider, externalId),
  };
}

function detailsDiffer(a: LeadRow, b: LeadRow): boolean {
  const keys: (keyof LeadRow)[] = [
    'firstName',
    'email',
    'phone',
    'city',
    'areaM2',
    'packageId',
    'budgetPln',
    'score',
  ];
  return keys.some((k) => a[k] !== b[k]) || Boolean(a.bookingRequestedAt) !== Boolean(b.bookingRequestedAt);
}

export type LeadService = ReturnType<typeof createLeadService>;
