/**
 * Restores a backup into the configured database (a PostgreSQL server or the embedded one), all or
 * nothing: the file is read and checked completely first; then, in one transaction, everything the
 * migrations made is dropped, the backup's migrations applied, the rows loaded in foreign-key order,
 * the sequences set and this version's newer migrations applied. Any failure rolls the whole
 * transaction back and removes the files it wrote: the database is as it was.
 */
import type { Database } from '../../platform/db/database.js';
import type { MigrationFile } from '../../platform/db/migrate.js';
import type { FileStorage } from '../../platform/storage/index.js';
import type { Logger } from '../../platform/logger.js';
import { tablesWithRows } from './catalog.js';
import { readHeader, scanBackup, type BackupHeader } from './content.js';
import { DatabaseNotEmptyError } from './errors.js';
import { loadRows, prepareSchema, restoreSequences, splitMigrations, applyMigrations } from './load.js';

/** The advisory lock of the migration runner: replicas starting meanwhile wait for the restore. */
const MIGRATION_LOCK_KEY = 727_001_337;

export interface RestoreResult {
  header: BackupHeader;
  tables: number;
  rows: number;
  files: number;
  /** Tables whose rows were replaced (with --force). */
  replaced: string[];
  durationMs: number;
}

export async function restoreBackup(deps: {
  db: Database;
  file: string;
  encryptionKey: string | undefined;
  codeMigrations: MigrationFile[];
  storage: FileStorage | undefined;
  force: boolean;
  logger: Logger;
}): Promise<RestoreResult> {
  const started = Date.now();
  const { db, file, encryptionKey } = deps;
  const header = await readHeader(file, encryptionKey);
  const { atBackup, newer } = splitMigrations(header, deps.codeMigrations);
  // Read and check the whole file before touching the database.
  await scanBackup(file, encryptionKey);

  const written: string[] = [];
  let files = 0;
  try {
    const replaced = await db.withConnection(async (conn) => {
      await conn.exec('BEGIN');
      try {
        await conn.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        const holding = await tablesWithRows(conn);
        if (holding.length > 0 && !deps.force) throw new DatabaseNotEmptyError(holding);
        await prepareSchema(conn, header, atBackup);
        await loadRows(conn, file, encryptionKey, header, async (entry, data) => {
          files++;
          if (!deps.storage) return;
          if (deps.storage.kind === 'local' && (await deps.storage.get(entry.key))) return;
          await deps.storage.put(entry.key, data, 'application/octet-stream');
          written.push(entry.key);
        });
        await restoreSequences(conn, header);
        await applyMigrations(conn, newer);
        await conn.exec('COMMIT');
        return holding;
      } catch (err) {
        await conn.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    const result: RestoreResult = {
      header,
      tables: header.tables.length,
      rows: header.tables.reduce((n, t) => n + t.rows, 0),
      files,
      replaced,
      durationMs: Date.now() - started,
    };
    deps.logger.info(
      {
        createdAt: header.createdAt,
        tables: result.tables,
        rows: result.rows,
        files,
        replaced: replaced.length > 0,
        ms: result.durationMs,
      },
      'backup restored',
    );
    return result;
  } catch (err) {
    for (const key of written) {
      await deps.storage?.delete(key).catch(() => undefined);
    }
    throw err;
  }
}
