/**
 * Schema migrations: the SQL files in migrations/ (drizzle-kit output plus hand-written files), applied
 * in file-name order, each in its own transaction, recorded in frontdesk_migrations. A session-level
 * advisory lock makes concurrent replicas wait for one another instead of migrating twice.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { withAdvisoryLock, type Database } from './database.js';
import type { Logger } from '../logger.js';

const LOCK_KEY = 727_001_337;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {}

export async function migrate(
  db: Database,
  dir: string,
  logger: Logger,
): Promise<{ applied: string[]; total: number }> {
  const files = readMigrations(dir);
  return withAdvisoryLock(db, LOCK_KEY, async (conn) => {
    await conn.exec(`CREATE TABLE IF NOT EXISTS frontdesk_migrations (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = new Map(
      (
        await conn.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM frontdesk_migrations',
        )
      ).map((r) => [r.name, r.checksum]),
    );
    const applied: string[] = [];
    for (const file of files) {
      const previous = done.get(file.name);
      if (previous !== undefined) {
        if (previous !== file.checksum) {
          throw new MigrationError(
            `migration ${file.name} was changed after it was applied; add a new migration instead of editing it`,
          );
        }
        continue;
      }
      const started = Date.now();
      await conn.exec('BEGIN');
      try {
        await conn.exec(file.sql);
        await conn.query('INSERT INTO frontdesk_migrations (name, checksum) VALUES ($1, $2)', [
          file.name,
          file.checksum,
        ]);
        await conn.exec('COMMIT');
      } catch (err) {
        await conn.exec('ROLLBACK').catch(() => undefined);
        throw new MigrationError(`migration ${file.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      applied.push(file.name);
      logger.info({ migration: file.name, ms: Date.now() - started }, 'migration applied');
    }
    return { applied, total: files.length };
  });
}

/** True when every migration file has been applied. */
export async function isMigrated(db: Database, expected: number): Promise<boolean> {
  const [table] = await db.query<{ t: string | null }>(
    "SELECT to_regclass('frontdesk_migrations')::text AS t",
  );
  if (!table?.t) return expected === 0;
  const rows = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM frontdesk_migrations');
  return Number(rows[0]?.n ?? 0) >= expected;
}
