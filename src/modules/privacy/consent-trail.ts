/**
 * The consent trail for staff: the events of the append-only consent log, newest first, filtered by
 * person, lead, conversation, purpose, source and time, a page at a time (keyset on the log's id) or
 * all of them for an export. A person is looked up the way the log refers to them: by the keyed hash
 * of their e-mail address or phone number; consent recorded under another of their addresses is found
 * through the leads that hold the given one. What is handed out never includes the keyed hashes.
 */
import type { Database } from '../../platform/db/database.js';
import { createHasher, isEmpty, subjectOf } from './subject.js';

export interface ConsentTrailFilter {
  email?: string | undefined;
  phone?: string | undefined;
  leadId?: string | undefined;
  sessionId?: string | undefined;
  purpose?: 'processing' | 'marketing' | undefined;
  source?: 'chat' | 'form' | 'unsubscribe' | 'erasure' | 'staff' | undefined;
  /** Events at or after this moment. */
  from?: Date | undefined;
  /** Events before this moment. */
  to?: Date | undefined;
}

export interface ConsentEvent {
  id: string;
  at: string;
  purpose: string;
  oldValue: string;
  newValue: string;
  source: string;
  leadId: string | null;
  sessionId: string | null;
}

export interface ConsentPage {
  events: ConsentEvent[];
  /** The id to continue below (exclusive), or null on the last page. */
  nextBefore: string | null;
}

type Row = {
  id: string | number;
  at: Date | string;
  purpose: string;
  old_value: string;
  new_value: string;
  source: string;
  lead_id: string | null;
  session_id: string | null;
};

const toEvent = (r: Row): ConsentEvent => ({
  id: String(r.id),
  at: new Date(r.at).toISOString(),
  purpose: r.purpose,
  oldValue: r.old_value,
  newValue: r.new_value,
  source: r.source,
  leadId: r.lead_id,
  sessionId: r.session_id,
});

/** Rows read at once by the export. */
const EXPORT_BATCH = 500;

export function createConsentTrail(deps: { db: Database; secret: string }) {
  const { db } = deps;
  const hasher = createHasher(deps.secret);

  /** The WHERE clause and its parameters for a filter (the person resolved to hashes and leads). */
  async function where(filter: ConsentTrailFilter): Promise<{ sql: string[]; params: unknown[] }> {
    const sql: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      sql.push(clause(`$${params.length}`));
    };
    if (filter.email !== undefined || filter.phone !== undefined) {
      const subject = subjectOf({ email: filter.email ?? null, phone: filter.phone ?? null });
      const hashes = isEmpty(subject) ? [] : hasher.subjectHashes(subject);
      const leads = isEmpty(subject)
        ? []
        : await db.query<{ id: string }>(
            `SELECT id::text AS id FROM leads
              WHERE ($1::text IS NOT NULL AND lower(email) = $1::text)
                 OR ($2::text IS NOT NULL
                     AND right(regexp_replace(coalesce(phone, ''), '\\D', '', 'g'), 9) = $2::text)`,
            [subject.email ?? null, subject.phoneDigits ?? null],
          );
      params.push(
        hashes,
        leads.map((l) => l.id),
      );
      sql.push(
        `(subject_hash = ANY($${params.length - 1}::text[]) OR lead_id::text = ANY($${params.length}::text[]))`,
      );
    }
    if (filter.leadId) add((p) => `lead_id = ${p}::uuid`, filter.leadId);
    if (filter.sessionId) add((p) => `session_id = ${p}`, filter.sessionId);
    if (filter.purpose) add((p) => `purpose = ${p}`, filter.purpose);
    if (filter.source) add((p) => `source = ${p}`, filter.source);
    if (filter.from) add((p) => `at >= ${p}::timestamptz`, filter.from.toISOString());
    if (filter.to) add((p) => `at < ${p}::timestamptz`, filter.to.toISOString());
    return { sql, params };
  }

  async function page(filter: ConsentTrailFilter, before: string | undefined, limit: number) {
    const w = await where(filter);
    const params = [...w.params];
    const clauses = [...w.sql];
    if (before !== undefined) {
      params.push(before);
      clauses.push(`id < $${params.length}::bigint`);
    }
    params.push(limit);
    const rows = await db.query<Row>(
      `SELECT id, at, purpose, old_value, new_value, source, lead_id::text AS lead_id, session_id
         FROM consent_log
        ${clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''}
        ORDER BY id DESC
        LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEvent);
  }

  return {
    /** One page, newest first; pass `nextBefore` back as `before` for the next. */
    async list(
      filter: ConsentTrailFilter,
      options: { before?: string; limit: number },
    ): Promise<ConsentPage> {
      const events = await page(filter, options.before, options.limit + 1);
      const more = events.length > options.limit;
      const shown = more ? events.slice(0, options.limit) : events;
      return { events: shown, nextBefore: more ? (shown.at(-1)?.id ?? null) : null };
    },

    /** Every matching event, newest first, read a batch at a time (for the CSV export). */
    async *all(filter: ConsentTrailFilter): AsyncGenerator<ConsentEvent> {
      let before: string | undefined;
      for (;;) {
        const events = await page(filter, before, EXPORT_BATCH);
        yield* events;
        if (events.length < EXPORT_BATCH) return;
        before = events.at(-1)?.id;
      }
    },
  };
}

export type ConsentTrail = ReturnType<typeof createConsentTrail>;
