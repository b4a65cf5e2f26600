/**
 * The daily retention job: anonymises conversations past RETENTION_CONVERSATION_MONTHS, anonymises or
 * deletes leads past RETENTION_LEAD_MONTHS (their uploads deleted, files too), removes soft-deleted
 * rows after RETENTION_GRACE_DAYS, and clears expired privacy requests. Statistics survive
 * anonymisation: message counts, roles, intents and timestamps stay; the person does not.
 */
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { FileStorage } from '../../platform/storage/index.js';
import type { Logger } from '../../platform/logger.js';

export interface RetentionSettings {
  conversationMonths: number;
  leadMonths: number;
  leadAction: 'anonymize' | 'delete';
  graceDays: number;
}

/** What replaces the text of an anonymised message. */
export const ANONYMISED_TEXT = '[anonymised]';

/** Meta keys of a message that describe the conversation, not the person (kept on anonymisation). */
const KEPT_META_KEYS = ['intent', 'engine', 'type', 'kind', 'size'];

/** Pseudonymous privacy-request records are kept this long. */
export const REQUEST_RECORD_MONTHS = 36;

/** Records of failed LLM calls (llm_failures) are kept this long. */
export const LLM_FAILURE_RETENTION_DAYS = 90;

export type RetentionCounts = Record<string, { anonymized: number; deleted: number }>;

const BATCH = 500;

export async function runRetention(deps: {
  db: Database;
  storage: FileStorage;
  settings: RetentionSettings;
  logger: Logger;
  /** Drops cached copies of conversations that changed. */
  forgetSessions?: (ids: string[]) => void;
}): Promise<RetentionCounts> {
  const { db, storage, settings, logger } = deps;
  const counts: RetentionCounts = {};
  const add = (table: string, kind: 'anonymized' | 'deleted', n: number) => {
    const c = (counts[table] ??= { anonymized: 0, deleted: 0 });
    c[kind] += n;
  };
  const removeFiles = async (keys: string[]) => {
    for (const key of keys) {
      await storage.delete(key).catch((err: unknown) => {
        logger.warn({ err, storageKey: key }, 'removing an expired upload file failed; it stays orphaned');
      });
    }
  };

  // Conversations past their retention, in batches (each batch one transaction).
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const sessions = await tx.query<{ id: string }>(
        `SELECT id FROM chat_sessions
          WHERE anonymized_at IS NULL AND last_activity_at < now() - make_interval(months => $1)
          ORDER BY last_activity_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [settings.conversationMonths],
      );
      const ids = sessions.map((s) => s.id);
      if (ids.length === 0) return { ids, files: [] as string[] };
      const messages = await tx.query(
        `UPDATE chat_messages SET
            text = CASE WHEN role = 'system' THEN text ELSE $2 END,
            meta = CASE WHEN meta IS NULL THEN NULL ELSE (
              SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb)
                FROM jsonb_each(meta) WHERE key = ANY($3::text[])) END
          WHERE session_id = ANY($1::text[]) RETURNING 1 AS x`,
        [ids, ANONYMISED_TEXT, KEPT_META_KEYS],
      );
      add('chat_messages', 'anonymized', messages.length);
      const updated = await tx.query(
        `UPDATE chat_sessions SET state = '{}'::jsonb, secret_hash = 'anonymized', anonymized_at = now(),
                status = CASE WHEN status = 'active' THEN 'ended' ELSE status END
          WHERE id = ANY($1::text[]) RETURNING id`,
        [ids],
      );
      add('chat_sessions', 'anonymized', updated.length);
      const h = await tx.query(
        `UPDATE handoffs SET summary = '', details = '{}'::jsonb WHERE session_id = ANY($1::text[]) RETURNING id`,
        [ids],
      );
      add('handoffs', 'anonymized', h.length);
      const ev = await tx.query(`DELETE FROM live_events WHERE session_id = ANY($1::text[]) RETURNING id`, [
        ids,
      ]);
      add('live_events', 'deleted', ev.length);
      const files = await tx.query<{ storage_key: string }>(
        `DELETE FROM uploads WHERE session_id = ANY($1::text[]) RETURNING storage_key`,
        [ids],
      );
      add('uploads', 'deleted', files.length);
      return { ids, files: files.map((f) => f.storage_key) };
    });
    await removeFiles(done.files);
    deps.forgetSessions?.(done.ids);
    if (done.ids.length < BATCH) break;
  }

  // Leads past their retention.
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `SELECT id FROM leads
          WHERE anonymized_at IS NULL AND deleted_at IS NULL
            AND updated_at < now() - make_interval(months => $1)
          ORDER BY updated_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [settings.leadMonths],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length === 0) return { ids, files: [] as string[] };
      const files = await tx.query<{ storage_key: string }>(
        `DELETE FROM uploads WHERE lead_id::text = ANY($1::text[]) RETURNING storage_key`,
        [ids],
      );
      add('uploads', 'deleted', files.length);
      await deleteJobs(tx, ids);
      if (settings.leadAction === 'delete') {
        const d = await tx.query(`DELETE FROM leads WHERE id::text = ANY($1::text[]) RETURNING id`, [ids]);
        add('leads', 'deleted', d.length);
      } else {
        const notes = await tx.query(
          `DELETE FROM lead_notes WHERE lead_id::text = ANY($1::text[]) RETURNING id`,
          [ids],
        );
        add('lead_notes', 'deleted', notes.length);
        const links = await tx.query(
          `DELETE FROM lead_crm_links WHERE lead_id::text = ANY($1::text[]) RETURNING lead_id`,
          [ids],
        );
        add('lead_crm_links', 'deleted', links.length);
        const a = await tx.query(
          `UPDATE leads SET first_name = NULL, email = NULL, phone = NULL, message = NULL, idempotency_key = NULL,
                  idempotency_fingerprint = NULL, marketing_consent = false, anonymized_at = now(), updated_at = now()
            WHERE id::text = ANY($1::text[]) RETURNING id`,
          [ids],
        );
        add('leads', 'anonymized', a.length);
      }
      return { ids, files: files.map((f) => f.storage_key) };
    });
    await removeFiles(done.files);
    if (done.ids.length < BATCH) break;
  }

  // Soft-deleted rows after the grace period.
  const grace = settings.graceDays;
  const goneUploads = await db.query<{ storage_key: string }>(
    `DELETE FROM uploads WHERE deleted_at < now() - make_interval(days => $1) RETURNING storage_key`,
    [grace],
  );
  add('uploads', 'deleted', goneUploads.length);
  await removeFiles(goneUploads.map((u) => u.storage_key));
  const goneLeads = await db.transaction(async (tx) => {
    const ids = (
      await tx.query<{ id: string }>(
        `SELECT id FROM leads WHERE deleted_at < now() - make_interval(days => $1) FOR UPDATE`,
        [grace],
      )
    ).map((r) => r.id);
    if (ids.length === 0) return 0;
    await deleteJobs(tx, ids);
    return (await tx.query(`DELETE FROM leads WHERE id::text = ANY($1::text[]) RETURNING id`, [ids])).length;
  });
  add('leads', 'deleted', goneLeads);
  const goneSessions = await db.transaction(async (tx) => {
    const ids = (
      await tx.query<{ id: string }>(
        `SELECT id FROM chat_sessions WHERE deleted_at < now() - make_interval(days => $1) FOR UPDATE`,
        [grace],
      )
    ).map((r) => r.id);
    if (ids.length === 0) return { ids, messages: 0, files: [] as string[] };
    const messages = await tx.query(
      `DELETE FROM chat_messages WHERE session_id = ANY($1::text[]) RETURNING 1 AS x`,
      [ids],
    );
    const files = await tx.query<{ storage_key: string }>(
      `DELETE FROM uploads WHERE session_id = ANY($1::text[]) RETURNING storage_key`,
      [ids],
    );
    await tx.query(`DELETE FROM handoffs WHERE session_id = ANY($1::text[])`, [ids]);
    await tx.query(`DELETE FROM live_events WHERE session_id = ANY($1::text[])`, [ids]);
    await tx.query(`DELETE FROM llm_failures WHERE session_id = ANY($1::text[])`, [ids]);
    await tx.query(`DELETE FROM chat_sessions WHERE id = ANY($1::text[])`, [ids]);
    return { ids, messages: messages.length, files: files.map((f) => f.storage_key) };
  });
  add('chat_sessions', 'deleted', goneSessions.ids.length);
  add('chat_messages', 'deleted', goneSessions.messages);
  add('uploads', 'deleted', goneSessions.files.length);
  await removeFiles(goneSessions.files);
  deps.forgetSessions?.(goneSessions.ids);

  // Privacy requests: addresses of expired requests cleared; old pseudonymous records removed.
  const expired = await db.query(
    `UPDATE privacy_requests SET email = NULL, token_hash = NULL, download_token_hash = NULL,
            status = CASE WHEN status = 'pending' THEN 'expired' ELSE status END
      WHERE (email IS NOT NULL OR token_hash IS NOT NULL OR download_token_hash IS NOT NULL)
        AND coalesce(download_expires_at, expires_at) < now()
      RETURNING id`,
  );
  add('privacy_requests', 'anonymized', expired.length);
  const oldRequests = await db.query(
    `DELETE FROM privacy_requests WHERE created_at < now() - make_interval(months => $1) RETURNING id`,
    [REQUEST_RECORD_MONTHS],
  );
  add('privacy_requests', 'deleted', oldRequests.length);
  const oldFailures = await db.query(
    `DELETE FROM llm_failures WHERE at < now() - make_interval(days => $1) RETURNING id`,
    [LLM_FAILURE_RETENTION_DAYS],
  );
  add('llm_failures', 'deleted', oldFailures.length);
  return counts;
}

async function deleteJobs(tx: QueryRunner, leadIds: string[]): Promise<void> {
  const [r] = await tx.query<{ job: string | null; archive: string | null }>(
    `SELECT to_regclass('pgboss.job')::text AS job, to_regclass('pgboss.archive')::text AS archive`,
  );
  for (const t of [r?.job, r?.archive]) {
    if (!t) continue;
    await tx.query(`DELETE FROM ${t} WHERE data->'payload'->>'leadId' = ANY($1::text[])`, [leadIds]);
  }
}
