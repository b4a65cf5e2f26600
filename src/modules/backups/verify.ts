/**
 * The tested restore: a backup is restored into a scratch in-memory PostgreSQL (PGlite) exactly as a
 * real restore would do it, and checked: the migrations are ones this version knows, every table's
 * rows match their count and checksum in the header, the rows read back from the database are the
 * rows of the file, the sequences are set, and this version's newer migrations apply on top.
 */
import { PGlite } from '@electric-sql/pglite';
import type { MigrationFile } from '../../platform/db/migrate.js';
import { readHeader } from './content.js';
import {
  applyMigrations,
  databaseDigests,
  loadRows,
  prepareSchema,
  restoreSequences,
  splitMigrations,
  type LoadConnection,
} from './load.js';

export interface VerifyReport {
  ok: boolean;
  checkedAt: string;
  durationMs: number;
  tables: number;
  rows: number;
  files: number;
  /** Why it failed (a sentence for staff). */
  error: string | null;
}

export async function verifyBackup(
  file: string,
  encryptionKey: string | undefined,
  codeMigrations: MigrationFile[],
): Promise<VerifyReport> {
  const started = Date.now();
  const report = (fields: Partial<VerifyReport>): VerifyReport => ({
    ok: false,
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    tables: 0,
    rows: 0,
    files: 0,
    error: null,
    ...fields,
  });
  let scratch: PGlite | undefined;
  try {
    const header = await readHeader(file, encryptionKey);
    const { atBackup, newer } = splitMigrations(header, codeMigrations);
    scratch = await PGlite.create();
    const db = scratch;
    const conn: LoadConnection = {
      query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
      exec: async (sql: string) => void (await db.exec(sql)),
    };
    await conn.exec('BEGIN');
    await prepareSchema(conn, header, atBackup);
    let files = 0;
    const scan = await loadRows(
      conn,
      file,
      encryptionKey,
      header,
      async () => {
        files++;
      },
      { orderFree: true },
    );
    await restoreSequences(conn, header);
    const loaded = await databaseDigests(conn, header);
    for (const table of header.tables) {
      const got = loaded.get(table.name);
      if (!got || got.rows !== table.rows) {
        return report({
          error: `Table ${table.name}: the database holds ${got?.rows ?? 0} rows after restoring, the backup ${table.rows}.`,
        });
      }
      if (got.unordered !== scan.unordered.get(table.name)) {
        return report({
          error: `Table ${table.name}: the rows read back after restoring differ from the rows in the backup.`,
        });
      }
    }
    await applyMigrations(conn, newer);
    await conn.exec('COMMIT');
    return report({
      ok: true,
      tables: header.tables.length,
      rows: header.tables.reduce((n, t) => n + t.rows, 0),
      files,
    });
  } catch (err) {
    return report({ error: err instanceof Error ? err.message : String(err) });
  } finally {
    await scratch?.close().catch(() => undefined);
  }
}
