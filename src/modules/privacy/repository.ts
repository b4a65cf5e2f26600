/**
 * Storage side of the privacy features: finding everything about a person across the tables of the
 * inventory, reading it for an export, erasing it in one transaction, the consent log, the requests
 * and the retention statements.
 */
import type { QueryRunner } from '../../platform/db/database.js';
import { customerTables, type TableEntry } from './inventory.js';
import type { Subject } from './subject.js';

/** The rows of one person, by the keys the inventory links tables through. */
export interface SubjectKeys {
  sessionIds: string[];
  leadIds: string[];
  subjectHashes: string[];
}

export type Rows = Record<string, unknown>[];

/** Columns never handed out, not even to the person they describe (credentials of the conversation). */
const NEVER_EXPORTED = new Set([
  'secret_hash',
  'token_hash',
  'download_token_hash',
  'idempotency_fingerprint',
]);

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function keyParam(table: TableEntry, keys: SubjectKeys): string[] {
  switch (table.link?.by) {
    case 'session':
      return keys.sessionIds;
    case 'lead':
      return keys.leadIds;
    case 'subject':
      return keys.subjectHashes;
    default:
      return [];
  }
}

/** Order of deletion: dependent rows first, the conversation and lead rows last. */
const LAST = ['leads', 'chat_sessions'];
function erasureOrder(tables: TableEntry[]): TableEntry[] {
  return [...tables].sort((a, b) => LAST.indexOf(a.table) - LAST.indexOf(b.table));
}

export interface ConsentEntry {
  subjectHash: string | null;
  leadId: string | null;
  sessionId: string | null;
  purpose: 'processing' | 'marketing';
  oldValue: 'given' | 'withdrawn' | 'unknown';
  newValue: 'given' | 'withdrawn';
  source: 'chat' | 'form' | 'unsubscribe' | 'erasure' | 'staff';
  ipHash: string | null;
}

export interface RequestRow {
  id: string;
  kind: 'export' | 'erase';
  origin: string;
  status: string;
  email: string | null;
  subjectHash: string;
  locale: string;
  expiresAt: Date;
  verifiedAt: Date | null;
  completedAt: Date | null;
  downloadExpiresAt: Date | null;
}

function toRequest(r: Record<string, unknown>): RequestRow {
  return {
    id: String(r.id),
    kind: r.kind as RequestRow['kind'],
    origin: String(r.origin),
    status: String(r.status),
    email: r.email === null ? null : String(r.email),
    subjectHash: String(r.subject_hash),
    locale: String(r.locale),
    expiresAt: new Date(r.expires_at as string),
    verifiedAt: r.verified_at ? new Date(r.verified_at as string) : null,
    completedAt: r.completed_at ? new Date(r.completed_at as string) : null,
    downloadExpiresAt: r.download_expires_at ? new Date(r.download_expires_at as string) : null,
  };
}

export function createPrivacyRepository(db: QueryRunner) {
  async function jobTablesExist(q: QueryRunner): Promise<string[]> {
    const rows = await q.query<{ job: string | null; archive: string | null }>(
      `SELECT to_regclass('pgboss.job')::text AS job, to_regclass('pgboss.archive')::text AS archive`,
    );
    const r = rows[0];
    return [r?.job, r?.archive].filter((t): t is string => typeof t === 'string');
  }

  return {
    /**
     * Every conversation and lead of a person: leads with their e-mail or phone, conversations where
     * they gave them (state) or wrote them (messages), and the conversations and leads linked to those.
     */
    async findKeys(subject: Subject, hashes: string[]): Promise<SubjectKeys> {
      const email = subject.email ?? null;
      const digits = subject.phoneDigits ?? null;
      const leadRows = await db.query<{ id: string; session_id: string | null }>(
        `SELECT id, session_id FROM leads
          WHERE ($1::text IS NOT NULL AND lower(email) = $1::text)
             OR ($2::text IS NOT NULL AND right(regexp_replace(coalesce(phone, ''), '\\D', '', 'g'), 9) = $2::text)`,
        [email, digits],
      );
      const sessionRows = await db.query<{ id: string }>(
        `SELECT id FROM chat_sessions
          WHERE ($1::text IS NOT NULL AND lower(state->'details'->>'email') = $1::text)
             OR ($2::text IS NOT NULL
                 AND right(regexp_replace(coalesce(state->'details'->>'phone', ''), '\\D', '', 'g'), 9) = $2::text)
         UNION
         SELECT DISTINCT session_id FROM chat_messages
          WHERE ($1::text IS NOT NULL AND strpos(lower(text), $1::text) > 0)
             OR ($2::text IS NOT NULL AND strpos(regexp_replace(text, '\\D', '', 'g'), $2::text) > 0)`,
        [email, digits],
      );
      const sessions = new Set(sessionRows.map((r) => r.id));
      const leadIds = new Set(leadRows.map((r) => r.id));
      for (const l of leadRows) if (l.session_id) sessions.add(l.session_id);
      if (sessions.size > 0) {
        const more = await db.query<{ id: string }>(
          `SELECT id FROM leads WHERE session_id = ANY($1::text[])`,
          [[...sessions]],
        );
        for (const l of more) leadIds.add(l.id);
      }
      return { sessionIds: [...sessions], leadIds: [...leadIds], subjectHashes: hashes };
    },

    /** The person's rows of every customer table of the inventory. */
    async readAll(keys: SubjectKeys): Promise<Record<string, Rows>> {
      const out: Record<string, Rows> = {};
      for (const table of customerTables()) {
        const link = table.link;
        const values = keyParam(table, keys);
        if (!link || values.length === 0) {
          out[table.table] = [];
          continue;
        }
        const rows = await db.query<Record<string, unknown>>(
          `SELECT * FROM ${ident(table.table)} WHERE ${ident(link.column)}::text = ANY($1::text[])`,
          [values],
        );
        out[table.table] = rows.map((row) =>
          Object.fromEntries(Object.entries(row).filter(([k]) => !NEVER_EXPORTED.has(k))),
        );
      }
      return out;
    },

    /** How many rows of each customer table belong to the person. */
    async count(keys: SubjectKeys): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const table of customerTables()) {
        const values = keyParam(table, keys);
        if (!table.link || values.length === 0) {
          out[table.table] = 0;
          continue;
        }
        const [row] = await db.query<{ n: number | string }>(
          `SELECT count(*) AS n FROM ${ident(table.table)} WHERE ${ident(table.link.column)}::text = ANY($1::text[])`,
          [values],
        );
        out[table.table] = Number(row?.n ?? 0);
      }
      return out;
    },

    /**
     * Deletes the person's rows (inside the caller's transaction): every customer table whose erasure
     * is `delete`, their queued and archived jobs, and clears the address of their privacy requests.
     * Returns the storage keys of their files (to delete after commit) and the counts per table.
     */
    async erase(
      tx: QueryRunner,
      keys: SubjectKeys,
    ): Promise<{ counts: Record<string, number>; storageKeys: string[] }> {
      const counts: Record<string, number> = {};
      const files = await tx.query<{ storage_key: string }>(
        `SELECT storage_key FROM uploads WHERE session_id = ANY($1::text[]) OR lead_id::text = ANY($2::text[])`,
        [keys.sessionIds, keys.leadIds],
      );
      // Uploads of a lead made in another conversation are the person's too.
      const uploadsOfLeads = await tx.query(
        `DELETE FROM uploads WHERE lead_id::text = ANY($1::text[]) AND NOT (session_id = ANY($2::text[])) RETURNING id`,
        [keys.leadIds, keys.sessionIds],
      );
      for (const table of erasureOrder(customerTables())) {
        const link = table.link;
        const values = keyParam(table, keys);
        if (!link || values.length === 0) {
          counts[table.table] = 0;
          continue;
        }
        if (table.erasure === 'delete') {
          const rows = await tx.query(
            `DELETE FROM ${ident(table.table)} WHERE ${ident(link.column)}::text = ANY($1::text[]) RETURNING 1 AS x`,
            [values],
          );
          counts[table.table] = rows.length;
        } else if (table.erasure === 'clear' && table.table === 'privacy_requests') {
          const rows = await tx.query(
            `UPDATE privacy_requests SET email = NULL,
                    status = CASE WHEN status = 'pending' THEN 'expired' ELSE status END
              WHERE subject_hash = ANY($1::text[]) AND email IS NOT NULL RETURNING id`,
            [values],
          );
          counts[table.table] = rows.length;
        } else {
          counts[table.table] = 0;
        }
      }
      counts.uploads = (counts.uploads ?? 0) + uploadsOfLeads.length;
      let jobs = 0;
      if (keys.leadIds.length > 0) {
        for (const t of await jobTablesExist(tx)) {
          const rows = await tx.query(
            `DELETE FROM ${t} WHERE data->'payload'->>'leadId' = ANY($1::text[]) RETURNING id`,
            [keys.leadIds],
          );
          jobs += rows.length;
        }
      }
      counts.jobs = jobs;
      return { counts, storageKeys: files.map((f) => f.storage_key) };
    },

    async recordConsent(q: QueryRunner, entries: ConsentEntry[]): Promise<void> {
      for (const e of entries) {
        await q.query(
          `INSERT INTO consent_log (subject_hash, lead_id, session_id, purpose, old_value, new_value, source, ip_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [e.subjectHash, e.leadId, e.sessionId, e.purpose, e.oldValue, e.newValue, e.source, e.ipHash],
        );
      }
    },

    /** Marketing consent of leads before an unsubscribe (to log what changed). */
    async leadsForConsent(target: { leadId: string } | { email: string }): Promise<
      {
        id: string;
        sessionId: string | null;
        marketing: boolean;
        email: string | null;
        phone: string | null;
      }[]
    > {
      const rows = await db.query<{
        id: string;
        session_id: string | null;
        marketing_consent: boolean;
        email: string | null;
        phone: string | null;
      }>(
        'email' in target
          ? `SELECT id, session_id, marketing_consent, email, phone FROM leads WHERE lower(email) = lower($1)`
          : `SELECT id, session_id, marketing_consent, email, phone FROM leads WHERE id::text = $1`,
        ['email' in target ? target.email : target.leadId],
      );
      return rows.map((r) => ({
        id: r.id,
        sessionId: r.session_id,
        marketing: r.marketing_consent,
        email: r.email,
        phone: r.phone,
      }));
    },

    async insertRequest(r: {
      kind: 'export' | 'erase';
      origin: 'public' | 'staff';
      email: string | null;
      subjectHash: string;
      locale: string;
      tokenHash: string | null;
      ipHash: string | null;
      actorId: string | null;
      ttlHours: number;
      status?: 'pending' | 'completed';
    }): Promise<RequestRow> {
      const [row] = await db.query<Record<string, unknown>>(
        `INSERT INTO privacy_requests (kind, origin, status, email, subject_hash, locale, token_hash, ip_hash, actor_id,
                                       expires_at, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(hours => $10),
                 CASE WHEN $3 = 'completed' THEN now() END)
         RETURNING *`,
        [
          r.kind,
          r.origin,
          r.status ?? 'pending',
          r.email,
          r.subjectHash,
          r.locale,
          r.tokenHash,
          r.ipHash,
          r.actorId,
          r.ttlHours,
        ],
      );
      return toRequest(row!);
    },

    /** Pending public requests of a subject in the last hour (to stop mail floods). */
    async recentPending(subjectHash: string): Promise<number> {
      const [row] = await db.query<{ n: number | string }>(
        `SELECT count(*) AS n FROM privacy_requests
          WHERE subject_hash = $1 AND origin = 'public' AND created_at > now() - interval '1 hour'`,
        [subjectHash],
      );
      return Number(row?.n ?? 0);
    },

    async findRequest(id: string): Promise<RequestRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(`SELECT * FROM privacy_requests WHERE id = $1`, [
        id,
      ]);
      return row ? toRequest(row) : undefined;
    },

    /** A pending request whose verification link is still valid. */
    async findPendingByToken(tokenHash: string): Promise<RequestRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(
        `SELECT * FROM privacy_requests
          WHERE token_hash = $1 AND status = 'pending' AND verified_at IS NULL AND expires_at > now()`,
        [tokenHash],
      );
      return row ? toRequest(row) : undefined;
    },

    /** Marks the request verified, once: the token stops working at the same moment. */
    async claimVerification(tokenHash: string): Promise<RequestRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(
        `UPDATE privacy_requests SET verified_at = now(), token_hash = NULL
          WHERE token_hash = $1 AND status = 'pending' AND verified_at IS NULL AND expires_at > now()
          RETURNING *`,
        [tokenHash],
      );
      return row ? toRequest(row) : undefined;
    },

    async setDownload(id: string, downloadTokenHash: string, ttlHours: number): Promise<void> {
      await db.query(
        `UPDATE privacy_requests SET download_token_hash = $2,
                download_expires_at = now() + make_interval(hours => $3)
          WHERE id = $1`,
        [id, downloadTokenHash, ttlHours],
      );
    },

    /** Uses a download token once; returns the request (with its address) when it was still valid. */
    async claimDownload(downloadTokenHash: string): Promise<RequestRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(
        `UPDATE privacy_requests p SET downloaded_at = now(), download_token_hash = NULL, status = 'completed',
                completed_at = now(), email = NULL
           FROM (SELECT id, email FROM privacy_requests WHERE download_token_hash = $1 FOR UPDATE) old
          WHERE p.id = old.id AND p.downloaded_at IS NULL AND p.download_expires_at > now()
          RETURNING p.*, old.email AS original_email`,
        [downloadTokenHash],
      );
      if (!row) return undefined;
      return { ...toRequest(row), email: row.original_email === null ? null : String(row.original_email) };
    },

    async complete(id: string, result: Record<string, unknown>): Promise<void> {
      await db.query(
        `UPDATE privacy_requests SET status = 'completed', completed_at = now(), email = NULL,
                result = $2::jsonb WHERE id = $1`,
        [id, JSON.stringify(result)],
      );
    },
  };
}

export type PrivacyRepository = ReturnType<typeof createPrivacyRepository>;
