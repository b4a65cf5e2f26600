/**
 * The erasure ledger: `erasures.jsonl` in BACKUP_DIR, one line per completed erasure with its time and
 * the keyed hashes (HMAC with SESSION_SECRET, as in the consent log) of the person's e-mail address and
 * phone number; never the address itself. It lives outside the database so that restoring an older
 * backup can erase again everyone erased after that backup was taken.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const LEDGER_FILE = 'erasures.jsonl';

export interface ErasureEntry {
  at: Date;
  subjectHashes: string[];
}

export function createErasureLedger(dir: string) {
  const file = path.join(dir, LEDGER_FILE);
  return {
    file,
    /** Appends one erasure and flushes it to disk. */
    async append(entry: ErasureEntry): Promise<void> {
      if (entry.subjectHashes.length === 0) return;
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const fh = await fs.open(file, 'a', 0o600);
      try {
        await fh.write(`${JSON.stringify({ at: entry.at.toISOString(), subjects: entry.subjectHashes })}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
    /** Every erasure completed at or after `since` (unreadable lines are skipped). */
    async since(since: Date): Promise<ErasureEntry[]> {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const out: ErasureEntry[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const value = JSON.parse(line) as { at?: unknown; subjects?: unknown };
          const at = new Date(String(value.at));
          if (
            Number.isNaN(at.getTime()) ||
            !Array.isArray(value.subjects) ||
            !value.subjects.every((s) => typeof s === 'string')
          ) {
            continue;
          }
          if (at.getTime() >= since.getTime()) out.push({ at, subjectHashes: value.subjects as string[] });
        } catch {
          // A line cut short by a crash: skip it.
        }
      }
      return out;
    },
  };
}

export type ErasureLedger = ReturnType<typeof createErasureLedger>;
