/**
 * Privacy as working features: data subject requests (export and erasure, verified by e-mail or made
 * by staff), one-click unsubscribe, the consent log, the daily retention job and the policy texts.
 */
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { FileStorage } from '../../platform/storage/index.js';
import type { AuditActor, AuditService } from '../audit/service.js';
import type { LeadService } from '../leads/service.js';
import { buildExportArchive, type ExportFile } from './export-archive.js';
import { BACKUP_ROTATION, customerTables } from './inventory.js';
import { consentNotice, policyPage, type PageLocale, type PolicyFacts } from './pages.js';
import { createPrivacyRepository, type ConsentEntry, type Rows, type SubjectKeys } from './repository.js';
import { runRetention, type RetentionCounts, type RetentionSettings } from './retention.js';
import { createHasher, isEmpty, randomToken, sha256, subjectOf, type Subject } from './subject.js';

export const PRIVACY_EMAIL_JOB = 'privacy-request-email';

export interface PrivacyMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export interface PrivacySettings {
  secret: string;
  publicUrl: string;
  linkTtlHours: number;
  contactEmail: string | undefined;
  retention: RetentionSettings;
}

export interface PrivacyDeps {
  db: Database;
  queue: Pick<JobQueue, 'define' | 'enqueue'>;
  /** Sends one e-mail through the configured SMTP (false: e-mail is not configured). */
  sendMail: (mail: PrivacyMail) => Promise<boolean>;
  leads: Pick<LeadService, 'unsubscribe'>;
  audit: Pick<AuditService, 'record'>;
  storage: FileStorage;
  metrics: Metrics;
  logger: Logger;
  settings: PrivacySettings;
  business: () => PolicyFacts['business'];
  /** Drops cached copies of conversations that were erased or anonymised. */
  forgetSessions?: (ids: string[]) => void;
  /** Writes data other parts hold in memory for a moment (batched live events) before erasing. */
  flushPendingWrites?: () => Promise<void>;
  /** Told of every completed erasure (keyed hashes only), so a restored backup can erase again. */
  onErased?: (erasure: { at: Date; subjectHashes: string[] }) => Promise<void>;
}

export interface ErasureResult {
  erased: Record<string, number>;
  filesRemoved: number;
  /** Where the person's data still is: older backups, until rotation removes them. */
  remainsIn: string;
  backupsClearBy: string;
}

export interface SubjectSummary {
  /** Whether anything erasable is kept about the person. */
  found: boolean;
  counts: Record<string, number>;
  conversations: { id: string; channel: string; createdAt: string; messageCount: number }[];
  leads: {
    id: string;
    source: string;
    status: string;
    firstName: string | null;
    email: string | null;
    phone: string | null;
    createdAt: string;
  }[];
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

export function createPrivacyService(deps: PrivacyDeps) {
  const { db, settings, logger } = deps;
  const repo = createPrivacyRepository(db);
  const hasher = createHasher(settings.secret);
  const c = deps.metrics.client;
  const requestsTotal = new c.Counter({
    name: 'frontdesk_privacy_requests_total',
    help: 'Data subject requests by kind (export, erase), origin (public, staff) and stage (requested, verified, completed)',
    labelNames: ['kind', 'origin', 'stage'] as const,
    registers: [deps.metrics.registry],
  });
  const retentionRows = new c.Counter({
    name: 'frontdesk_retention_rows_total',
    help: 'Rows the retention job anonymised or deleted, by table and action',
    labelNames: ['table', 'action'] as const,
    registers: [deps.metrics.registry],
  });
  const retentionRuns = new c.Counter({
    name: 'frontdesk_retention_runs_total',
    help: 'Runs of the retention job, by outcome',
    labelNames: ['outcome'] as const,
    registers: [deps.metrics.registry],
  });
  const unsubscribes = new c.Counter({
    name: 'frontdesk_unsubscribes_total',
    help: 'Unsubscribe requests by outcome (done, invalid_token)',
    labelNames: ['outcome'] as const,
    registers: [deps.metrics.registry],
  });

  const verifyToken = (requestId: string) => hasher.sign(`privacy-verify:${requestId}`);
  const facts = (): PolicyFacts => ({
    business: deps.business(),
    privacyContact: settings.contactEmail,
    retention: settings.retention,
    linkTtlHours: settings.linkTtlHours,
  });

  async function keysOf(subject: Subject): Promise<SubjectKeys> {
    return repo.findKeys(subject, hasher.subjectHashes(subject));
  }

  async function exportOf(subject: Subject): Promise<Readable> {
    const keys = await keysOf(subject);
    const tables = await repo.readAll(keys);
    const files: ExportFile[] = [];
    for (const row of tables.uploads ?? []) {
      const data = await deps.storage.get(String(row.storage_key)).catch((err: unknown) => {
        logger.warn({ err, uploadId: row.id }, 'an uploaded file could not be read for an export');
        return undefined;
      });
      if (data) {
        const name = String(row.original_name ?? 'file').replace(/[^\p{L}\p{N}._-]+/gu, '_');
        files.push({ name: `${String(row.id)}-${name}`, data });
      }
    }
    return buildExportArchive({ createdAt: new Date(), tables, files });
  }

  async function erase(
    subject: Subject,
    context: { origin: 'public' | 'staff'; requestId?: string; ip?: string | undefined },
  ): Promise<ErasureResult> {
    await deps.flushPendingWrites?.();
    const keys = await keysOf(subject);
    const primary = hasher.primaryHash(subject);
    const clearBy = new Date(Date.now() + BACKUP_ROTATION.maxDays * 86_400_000);
    const result = await db.transaction(async (tx) => {
      const consents = await tx.query<{ id: string; session_id: string | null; marketing_consent: boolean }>(
        `SELECT id, session_id, marketing_consent FROM leads WHERE id::text = ANY($1::text[])`,
        [keys.leadIds],
      );
      const { counts, storageKeys } = await repo.erase(tx, keys);
      const entries: ConsentEntry[] = consents.flatMap((l) => [
        {
          subjectHash: primary,
          leadId: l.id,
          sessionId: l.session_id,
          purpose: 'processing' as const,
          oldValue: 'given' as const,
          newValue: 'withdrawn' as const,
          source: 'erasure' as const,
          ipHash: context.ip ? hasher.ip(context.ip) : null,
        },
        ...(l.marketing_consent
          ? [
              {
                subjectHash: primary,
                leadId: l.id,
                sessionId: l.session_id,
                purpose: 'marketing' as const,
                oldValue: 'given' as const,
                newValue: 'withdrawn' as const,
                source: 'erasure' as const,
                ipHash: context.ip ? hasher.ip(context.ip) : null,
              },
            ]
          : []),
      ]);
      await repo.recordConsent(tx, entries);
      const summary: ErasureResult = {
        erased: counts,
        filesRemoved: 0,
        remainsIn: `backups, until rotation removes them (${BACKUP_ROTATION.en})`,
        backupsClearBy: clearBy.toISOString(),
      };
      if (context.requestId) {
        await createPrivacyRepository(tx).complete(context.requestId, { ...summary });
      } else {
        await createPrivacyRepository(tx)
          .insertRequest({
            kind: 'erase',
            origin: context.origin,
            email: null,
            subjectHash: primary ?? hasher.subject('none'),
            locale: 'pl',
            tokenHash: null,
            ipHash: context.ip ? hasher.ip(context.ip) : null,
            actorId: null,
            ttlHours: 0,
            status: 'completed',
          })
          .then((r) => createPrivacyRepository(tx).complete(r.id, { ...summary }));
      }
      return { summary, storageKeys };
    });
    let removed = 0;
    for (const key of result.storageKeys) {
      try {
        await deps.storage.delete(key);
        removed++;
      } catch (err) {
        logger.error({ err, storageKey: key }, 'removing an erased upload file failed; remove it by hand');
      }
    }
    deps.forgetSessions?.(keys.sessionIds);
    await deps
      .onErased?.({ at: new Date(), subjectHashes: hasher.subjectHashes(subject) })
      .catch((err: unknown) =>
        logger.error({ err }, 'recording the erasure for backups failed; a restore would not erase again'),
      );
    requestsTotal.inc({ kind: 'erase', origin: context.origin, stage: 'completed' });
    logger.info(
      {
        origin: context.origin,
        conversations: keys.sessionIds.length,
        leads: keys.leadIds.length,
        files: removed,
      },
      'personal data erased',
    );
    return { ...result.summary, filesRemoved: removed };
  }

  deps.queue.define<{ requestId: string }>({
    name: PRIVACY_EMAIL_JOB,
    async handler(job) {
      const request = await repo.findRequest(job.data.payload.requestId);
      if (!request || request.status !== 'pending' || request.verifiedAt || !request.email) {
        return { status: 'skipped', detail: 'request no longer pending' };
      }
      if (request.expiresAt.getTime() < Date.now()) return { status: 'skipped', detail: 'link expired' };
      const locale: PageLocale = request.locale === 'en' ? 'en' : 'pl';
      const link = `${settings.publicUrl}/privacy/verify?token=${encodeURIComponent(verifyToken(request.id))}`;
      const business = deps.business().name;
      const pl = locale === 'pl';
      const what =
        request.kind === 'export'
          ? pl
            ? 'kopii danych'
            : 'a copy of the data'
          : pl
            ? 'usunięcia danych'
            : 'erasure of the data';
      const sent = await deps.sendMail({
        to: request.email,
        subject: pl
          ? `Potwierdź żądanie dotyczące danych — ${business}`
          : `Confirm your data request — ${business}`,
        text: pl
          ? `Dzień dobry,\n\notrzymaliśmy prośbę o ${what} powiązanych z tym adresem e-mail.\nAby ją potwierdzić, otwórz link:\n\n${link}\n\nLink jest ważny ${settings.linkTtlHours} h. Jeśli to nie Ty, zignoruj tę wiadomość — nic się nie stanie.\n\n${business}`
          : `Hello,\n\nwe received a request for ${what} linked to this e-mail address.\nTo confirm it, open:\n\n${link}\n\nThe link is valid for ${settings.linkTtlHours} h. If this was not you, ignore this message — nothing will happen.\n\n${business}`,
        messageId: `<${job.data.eventId}@frontdesk>`,
      });
      if (!sent) {
        logger.warn({ requestId: request.id }, 'privacy request e-mail not sent: e-mail is not configured');
        return { status: 'skipped', detail: 'e-mail not configured' };
      }
      return { status: 'delivered' };
    },
  });

  return {
    /**
     * A public request. Always looks the same to the caller: whether the address is known or not, a
     * verification e-mail is queued (at most 3 per address and hour).
     */
    async submitRequest(input: {
      kind: 'export' | 'erase';
      email: string;
      locale: PageLocale;
      ip?: string | undefined;
    }): Promise<void> {
      const subject = subjectOf({ email: input.email });
      const hash = hasher.primaryHash(subject);
      if (!subject.email || !hash) return;
      if ((await repo.recentPending(hash)) >= 3) {
        logger.info(
          { kind: input.kind },
          'privacy request not sent again: too many for this address this hour',
        );
        return;
      }
      const id = crypto.randomUUID();
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO privacy_requests (id, kind, origin, email, subject_hash, locale, token_hash, ip_hash, expires_at)
           VALUES ($1, $2, 'public', $3, $4, $5, $6, $7, now() + make_interval(hours => $8))`,
          [
            id,
            input.kind,
            subject.email,
            hash,
            input.locale,
            sha256(verifyToken(id)),
            input.ip ? hasher.ip(input.ip) : null,
            settings.linkTtlHours,
          ],
        );
        await deps.queue.enqueue(tx, PRIVACY_EMAIL_JOB, { requestId: id });
      });
      requestsTotal.inc({ kind: input.kind, origin: 'public', stage: 'requested' });
    },

    /** What a still-valid verification link asks for (reading it changes nothing). */
    async verification(token: string): Promise<{ kind: 'export' | 'erase'; locale: PageLocale } | undefined> {
      const request = await repo.findPendingByToken(sha256(token));
      if (!request) return undefined;
      return { kind: request.kind, locale: request.locale === 'en' ? 'en' : 'pl' };
    },

    /** Confirms a request (once): prepares the one-time download, or runs the erasure. */
    async confirm(
      token: string,
      ip?: string,
    ): Promise<
      | { kind: 'export'; locale: PageLocale; downloadPath: string }
      | { kind: 'erase'; locale: PageLocale; result: ErasureResult }
      | undefined
    > {
      const request = await repo.claimVerification(sha256(token));
      if (!request || !request.email) return undefined;
      const locale: PageLocale = request.locale === 'en' ? 'en' : 'pl';
      requestsTotal.inc({ kind: request.kind, origin: 'public', stage: 'verified' });
      if (request.kind === 'export') {
        const download = randomToken();
        await repo.setDownload(request.id, sha256(download), settings.linkTtlHours);
        return { kind: 'export', locale, downloadPath: `/api/v1/privacy/exports/${download}` };
      }
      const result = await erase(subjectOf({ email: request.email }), {
        origin: 'public',
        requestId: request.id,
        ip,
      });
      await deps.audit.record({
        actor: { type: 'anonymous' },
        action: 'privacy.erased',
        targetType: 'privacy_request',
        targetId: request.id,
        ip: ip ?? null,
        details: { origin: 'public', erased: result.erased, backupsClearBy: result.backupsClearBy },
      });
      return { kind: 'erase', locale, result };
    },

    /** The export archive of a verified request, once; undefined when used or expired. */
    async download(token: string): Promise<Readable | undefined> {
      const request = await repo.claimDownload(sha256(token));
      if (!request?.email) return undefined;
      const archive = await exportOf(subjectOf({ email: request.email }));
      requestsTotal.inc({ kind: 'export', origin: 'public', stage: 'completed' });
      await deps.audit.record({
        actor: { type: 'anonymous' },
        action: 'privacy.exported',
        targetType: 'privacy_request',
        targetId: request.id,
        details: { origin: 'public' },
      });
      return archive;
    },

    /** Everything about a person, for staff. */
    async search(input: { email?: string | undefined; phone?: string | undefined }): Promise<SubjectSummary> {
      const subject = subjectOf(input);
      if (isEmpty(subject)) return { found: false, counts: {}, conversations: [], leads: [] };
      const keys = await keysOf(subject);
      const tables = await repo.readAll(keys);
      const counts = Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length]));
      const sessions: Rows = tables.chat_sessions ?? [];
      const leadRows: Rows = tables.leads ?? [];
      return {
        // Pseudonymous records kept after erasure (consent history, request records) do not count.
        found: customerTables().some((t) => t.erasure === 'delete' && (counts[t.table] ?? 0) > 0),
        counts,
        conversations: sessions.map((s) => ({
          id: String(s.id),
          channel: String(s.channel),
          createdAt: iso(s.created_at),
          messageCount: Number(s.message_count),
        })),
        leads: leadRows.map((l) => ({
          id: String(l.id),
          source: String(l.source),
          status: String(l.status),
          firstName: (l.first_name as string | null) ?? null,
          email: (l.email as string | null) ?? null,
          phone: (l.phone as string | null) ?? null,
          createdAt: iso(l.created_at),
        })),
      };
    },

    /** The export archive of a person, for staff. */
    async exportFor(
      input: { email?: string | undefined; phone?: string | undefined },
      actor: AuditActor,
    ): Promise<Readable> {
      const subject = subjectOf(input);
      const archive = await exportOf(subject);
      await repo.insertRequest({
        kind: 'export',
        origin: 'staff',
        email: null,
        subjectHash: hasher.primaryHash(subject) ?? hasher.subject('none'),
        locale: 'pl',
        tokenHash: null,
        ipHash: null,
        actorId: actor.id ?? null,
        ttlHours: 0,
        status: 'completed',
      });
      requestsTotal.inc({ kind: 'export', origin: 'staff', stage: 'completed' });
      return archive;
    },

    /** Erases everything about a person, for staff. */
    async eraseFor(input: {
      email?: string | undefined;
      phone?: string | undefined;
    }): Promise<ErasureResult> {
      return erase(subjectOf(input), { origin: 'staff' });
    },

    /** The signed, non-expiring unsubscribe token of a lead. */
    unsubscribeToken(leadId: string): string {
      return `${leadId}.${hasher.sign(`unsubscribe:${leadId}`).slice(0, 32)}`;
    },

    /** Links for List-Unsubscribe and the e-mail body (supplied to the integrations mailer). */
    unsubscribeLinks(recipient: { leadId: string; email: string; locale?: string }) {
      const token = encodeURIComponent(this.unsubscribeToken(recipient.leadId));
      const locale = recipient.locale === 'en' ? 'en' : 'pl';
      const page = `${settings.publicUrl}/privacy/unsubscribe?token=${token}&lang=${locale}`;
      return {
        url: `${settings.publicUrl}/api/v1/privacy/unsubscribe?token=${token}`,
        footer:
          locale === 'en'
            ? `To stop receiving these messages: ${page}`
            : `Aby nie otrzymywać więcej takich wiadomości: ${page}`,
      };
    },

    /**
     * Stops marketing e-mail for the person behind a token at once (every lead with their address)
     * and records the withdrawal. False for a token that is not ours.
     */
    async unsubscribe(token: string, ip?: string): Promise<boolean> {
      const [leadId, sig] = token.split('.');
      const expected = leadId ? hasher.sign(`unsubscribe:${leadId}`).slice(0, 32) : '';
      if (
        !leadId ||
        !sig ||
        sig.length !== expected.length ||
        !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))
      ) {
        unsubscribes.inc({ outcome: 'invalid_token' });
        return false;
      }
      const [lead] = await repo.leadsForConsent({ leadId });
      const target = lead?.email ? { email: lead.email } : { leadId };
      const before = lead?.email ? await repo.leadsForConsent({ email: lead.email }) : lead ? [lead] : [];
      if (before.length > 0) {
        const { leadIds } = await deps.leads.unsubscribe(target);
        const changed = new Set(leadIds);
        await repo.recordConsent(
          db,
          before
            .filter((l) => changed.has(l.id))
            .map((l) => ({
              subjectHash: hasher.primaryHash(subjectOf(l)),
              leadId: l.id,
              sessionId: l.sessionId,
              purpose: 'marketing' as const,
              oldValue: l.marketing ? ('given' as const) : ('withdrawn' as const),
              newValue: 'withdrawn' as const,
              source: 'unsubscribe' as const,
              ipHash: ip ? hasher.ip(ip) : null,
            })),
        );
      }
      unsubscribes.inc({ outcome: 'done' });
      return true;
    },

    /** The daily retention run: counted in metrics and written to the audit log. */
    async runRetention(): Promise<RetentionCounts> {
      try {
        const counts = await runRetention({
          db,
          storage: deps.storage,
          settings: settings.retention,
          logger,
          ...(deps.forgetSessions ? { forgetSessions: deps.forgetSessions } : {}),
        });
        for (const [table, n] of Object.entries(counts)) {
          if (n.anonymized) retentionRows.inc({ table, action: 'anonymized' }, n.anonymized);
          if (n.deleted) retentionRows.inc({ table, action: 'deleted' }, n.deleted);
        }
        retentionRuns.inc({ outcome: 'ok' });
        await deps.audit.record({
          actor: { type: 'system' },
          action: 'privacy.retention',
          details: { counts, settings: settings.retention },
        });
        return counts;
      } catch (err) {
        retentionRuns.inc({ outcome: 'error' });
        throw err;
      }
    },

    policyPage: (locale: PageLocale) => policyPage(facts(), locale),
    consentNotice: (locale: PageLocale) => consentNotice(facts(), locale),
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
