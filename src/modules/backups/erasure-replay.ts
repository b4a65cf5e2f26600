/**
 * After a restore, everyone erased after the backup was taken is erased again. The ledger holds only
 * keyed hashes, so the restored data is searched for the people it names: every e-mail address and
 * phone number in leads, in the details a conversation collected and in privacy requests, and every
 * e-mail address written in a chat message. A person whose hash is in the ledger is erased with the
 * privacy module's own erasure (all their conversations, leads, files; the erasure is recorded again).
 */
import type { QueryRunner } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import { createHasher, normalizeEmail, phoneDigits } from '../privacy/subject.js';
import type { ErasureLedger } from './erasure-ledger.js';

/** Erasures this long before the backup's time are replayed too, in case two machines' clocks differ. */
export const CLOCK_SKEW_MS = 10 * 60_000;

export interface ReplayResult {
  /** Ledger entries newer than the backup. */
  ledgerEntries: number;
  /** People found in the restored data and erased again. */
  erased: number;
}

export async function replayErasures(deps: {
  db: QueryRunner;
  ledger: ErasureLedger;
  backupCreatedAt: Date;
  secret: string;
  erase: (subject: { email?: string; phone?: string }) => Promise<unknown>;
  logger: Logger;
}): Promise<ReplayResult> {
  const entries = await deps.ledger.since(new Date(deps.backupCreatedAt.getTime() - CLOCK_SKEW_MS));
  if (entries.length === 0) return { ledgerEntries: 0, erased: 0 };
  const wanted = new Set(entries.flatMap((e) => e.subjectHashes));
  const hasher = createHasher(deps.secret);
  const emails = await deps.db.query<{ v: string }>(
    `SELECT DISTINCT lower(trim(v)) AS v FROM (
       SELECT email AS v FROM leads
       UNION ALL SELECT state->'details'->>'email' FROM chat_sessions
       UNION ALL SELECT email FROM privacy_requests
       UNION ALL SELECT m[1] FROM chat_messages,
         regexp_matches(text, '([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)', 'g') AS m
     ) x WHERE v IS NOT NULL AND v <> ''`,
  );
  const phones = await deps.db.query<{ v: string }>(
    `SELECT DISTINCT v FROM (
       SELECT phone AS v FROM leads
       UNION ALL SELECT state->'details'->>'phone' FROM chat_sessions
     ) x WHERE v IS NOT NULL AND v <> ''`,
  );
  const subjects: Array<{ email?: string; phone?: string }> = [];
  for (const { v } of emails) {
    if (wanted.has(hasher.subject(`email:${normalizeEmail(v)}`))) subjects.push({ email: v });
  }
  const seenDigits = new Set<string>();
  for (const { v } of phones) {
    const digits = phoneDigits(v);
    if (!digits || seenDigits.has(digits)) continue;
    seenDigits.add(digits);
    if (wanted.has(hasher.subject(`phone:${digits}`))) subjects.push({ phone: v });
  }
  for (const subject of subjects) await deps.erase(subject);
  deps.logger.info(
    { ledgerEntries: entries.length, erased: subjects.length },
    'erasures made after the backup applied again',
  );
  return { ledgerEntries: entries.length, erased: subjects.length };
}
