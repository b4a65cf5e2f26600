/**
 * Reads the database into a backup: every application table in keyset-paginated chunks (never a
 * whole table in memory), all inside one REPEATABLE READ, READ ONLY transaction so the copy is one
 * consistent moment even while customers keep writing (on the embedded database the transaction
 * holds the single connection, so other queries wait until the tables are read). Uploaded files of
 * local storage are read after the transaction, by the keys the snapshot's rows name.
 */
import crypto from 'node:crypto';
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { FileStorage } from '../../platform/storage/index.js';
import type { Logger } from '../../platform/logger.js';
import {
  foreignKeyOrder,
  ident,
  listPartitions,
  listSequences,
  listTables,
  MIGRATIONS_TABLE,
  primaryKey,
  tableColumns,
} from './catalog.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  FILE_CHUNK_BYTES,
  TableDigest,
  type BackupHeader,
} from './content.js';
import { BackupRunningError } from './errors.js';
import type { BodySpool } from './file-format.js';

/** Advisory lock key held (for its transaction) by whichever process is making a backup. */
export const BACKUP_LOCK_KEY = 727_001_338;
const CHUNK_ROWS = 1_000;

/** Session settings that make every value's text form the same on every server. */
export const CANONICAL_SETTINGS = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  'SET LOCAL extra_float_digits = 1',
  "SET LOCAL bytea_output = 'hex'",
];

interface PlannedTable {
  name: string;
  columns: string[];
  primaryKey: string[];
  /** Types of the primary-key columns, for the keyset condition. */
  keyTypes: string[];
}

/**
 * Reads the rows of one table in chunks ordered by its primary key (all columns as text); without a
 * primary key, ordered by every column with OFFSET paging (slower, still within the snapshot).
 */
export async function* readTableRows(
  conn: QueryRunner,
  table: PlannedTable,
  chunkRows = CHUNK_ROWS,
): AsyncGenerator<Array<string | null>[]> {
  const select = table.columns.map((c, i) => `${ident(c)}::text AS c${i}`).join(', ');
  const asArray = (r: Record<string, string | null>) => table.columns.map((_, i) => r[`c${i}`] ?? null);
  const from = `public.${ident(table.name)}`;
  if (table.primaryKey.length === 0) {
    const order = table.columns.map((c) => `${ident(c)}::text`).join(', ');
    for (let offset = 0; ; offset += chunkRows) {
      const rows = await conn.query<Record<string, string | null>>(
        `SELECT ${select} FROM ${from} ORDER BY ${order} LIMIT ${chunkRows} OFFSET ${offset}`,
      );
      if (rows.length === 0) return;
      yield rows.map(asArray);
      if (rows.length < chunkRows) return;
    }
  }
  const keyIndex = table.primaryKey.map((k) => table.columns.indexOf(k));
  const keyList = table.primaryKey.map(ident).join(', ');
  const keyParams = table.keyTypes.map((type, i) => `$${i + 1}::${type}`).join(', ');
  let last: Array<string | null> | undefined;
  for (;;) {
    const rows = await conn.query<Record<string, string | null>>(
      last
        ? `SELECT ${select} FROM ${from} WHERE (${keyList}) > (${keyParams}) ORDER BY ${keyList} LIMIT ${chunkRows}`
        : `SELECT ${select} FROM ${from} ORDER BY ${keyList} LIMIT ${chunkRows}`,
      last,
    );
    if (rows.length === 0) return;
    const values = rows.map(asArray);
    yield values;
    if (rows.length < chunkRows) return;
    const tail = values[values.length - 1]!;
    last = keyIndex.map((i) => tail[i] ?? null);
  }
}

/** The tables of a database in foreign-key order, with what reading them needs. */
export async function planTables(conn: QueryRunner): Promise<PlannedTable[]> {
  const planned: PlannedTable[] = [];
  for (const t of await foreignKeyOrder(conn, await listTables(conn))) {
    const columns = await tableColumns(conn, t.oid);
    const key = await primaryKey(conn, t.oid);
    planned.push({
      name: t.name,
      columns: columns.map((c) => c.name),
      primaryKey: key,
      keyTypes: key.map((k) => columns.find((c) => c.name === k)?.type ?? 'text'),
    });
  }
  return planned;
}

export interface DumpResult {
  header: BackupHeader;
  /** How long the snapshot transaction lasted (on the embedded database, other queries waited this long). */
  snapshotMs: number;
}

/**
 * Writes every table's rows, then the uploaded files, into the spool; returns the header that
 * describes them. `createdAt` is taken before the snapshot, so an erasure that completed after it
 * is always replayed on restore (see erasure-replay.ts).
 */
export async function dumpDatabase(deps: {
  db: Database;
  spool: BodySpool;
  storage: FileStorage | undefined;
  appVersion: string;
  logger: Logger;
}): Promise<DumpResult> {
  const { db, spool } = deps;
  const createdAt = new Date();
  const uploadKeys: string[] = [];
  const snapshotStarted = Date.now();
  const snapshot = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      BACKUP_LOCK_KEY,
    ]);
    if (!lock?.ok) throw new BackupRunningError();
    for (const setting of CANONICAL_SETTINGS) await tx.query(setting);
    const migrations = await tx.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${MIGRATIONS_TABLE} ORDER BY name`,
    );
    const tables = await planTables(tx);
    const partitions = await listPartitions(tx);
    const sequences = await listSequences(tx);
    const described: BackupHeader['tables'] = [];
    for (const table of tables) {
      await spool.line(JSON.stringify({ table: table.name }));
      const digest = new TableDigest(false);
      const keyColumn = table.name === 'uploads' ? table.columns.indexOf('storage_key') : -1;
      for await (const chunk of readTableRows(tx, table)) {
        const lines = chunk.map((row) => JSON.stringify(row));
        for (const line of lines) digest.add(line);
        await spool.lines(lines);
        if (keyColumn >= 0) {
          for (const row of chunk) if (row[keyColumn]) uploadKeys.push(row[keyColumn]);
        }
      }
      described.push({
        name: table.name,
        columns: table.columns,
        primaryKey: table.primaryKey,
        rows: digest.rows,
        sha256: digest.sha256(),
      });
    }
    return { migrations, tables: described, partitions, sequences };
  });
  const snapshotMs = Date.now() - snapshotStarted;

  const local = deps.storage?.kind === 'local' ? deps.storage : undefined;
  const keys = local ? [...new Set(uploadKeys)].sort() : [];
  let missing = 0;
  await spool.line(JSON.stringify({ files: true }));
  const filesHash = crypto.createHash('sha256');
  let count = 0;
  let bytes = 0;
  const fileLines: string[] = [];
  for (const key of keys) {
    const data = await local!.get(key).catch((err: unknown) => {
      deps.logger.warn({ err, storageKey: key }, 'an uploaded file could not be read for the backup');
      return undefined;
    });
    if (!data) {
      // Erased or removed by retention after the snapshot: the replayed erasure covers its row.
      missing++;
      continue;
    }
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    fileLines.length = 0;
    fileLines.push(JSON.stringify({ file: key, size: data.length, sha256: sha }));
    for (let offset = 0; offset < data.length; offset += FILE_CHUNK_BYTES) {
      fileLines.push(JSON.stringify(data.subarray(offset, offset + FILE_CHUNK_BYTES).toString('base64')));
    }
    await spool.lines(fileLines);
    filesHash.update(`${key}\n${sha}\n`);
    count++;
    bytes += data.length;
  }
  await spool.line(JSON.stringify({ end: true }));
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    createdAt: createdAt.toISOString(),
    appVersion: deps.appVersion,
    database: db.kind,
    migrations: snapshot.migrations,
    tables: snapshot.tables,
    partitions: snapshot.partitions,
    sequences: snapshot.sequences,
    files: {
      storage: deps.storage?.kind ?? 'local',
      count,
      bytes,
      missing,
      sha256: filesHash.digest('hex'),
    },
  };
  return { header, snapshotMs };
}
