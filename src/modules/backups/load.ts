/**
 * Loading a backup into a database connection, inside a transaction the caller holds: drop what the
 * migrations made, apply the backup's migrations, create the partitions its rows need, insert the rows
 * in file (foreign-key) order, set the sequences, then apply this version's newer migrations. Used by
 * restore (into the configured database) and by verify (into a scratch in-memory database).
 */
import type { QueryRunner } from '../../platform/db/database.js';
import type { MigrationFile } from '../../platform/db/migrate.js';
import {
  dropApplicationObjects,
  ident,
  listTables,
  MIGRATIONS_TABLE,
  ownedSequences,
  tableColumns,
  type CatalogColumn,
} from './catalog.js';
import {
  scanBackup,
  TableDigest,
  type BackupHeader,
  type FileEntry,
  type Row,
  type ScanResult,
} from './content.js';
import { CANONICAL_SETTINGS, readTableRows } from './dump.js';
import { BackupUnreadableError, BackupVersionError } from './errors.js';

export interface LoadConnection extends QueryRunner {
  exec(sql: string): Promise<void>;
}

/**
 * The code's migrations the backup was made at, and the newer ones. Refuses a backup whose migrations
 * are not a prefix of the code's (made by a newer or a different version).
 */
export function splitMigrations(
  header: BackupHeader,
  code: MigrationFile[],
): { atBackup: MigrationFile[]; newer: MigrationFile[] } {
  header.migrations.forEach((m, i) => {
    const ours = code[i];
    if (!ours || ours.name !== m.name) {
      const known = code.some((c) => c.name === m.name);
      throw new BackupVersionError(
        known
          ? `The backup's migrations are in a different order than this version's (${m.name}). Restore it with the Frontdesk version that wrote it (${header.appVersion}).`
          : `This backup was written by a newer Frontdesk (${header.appVersion}): its migration ${m.name} is unknown here. Upgrade Frontdesk to that version or later, then restore.`,
      );
    }
    if (ours.checksum !== m.checksum) {
      throw new BackupVersionError(
        `The backup's migration ${m.name} differs from this version's. Restore it with the Frontdesk version that wrote it (${header.appVersion}).`,
      );
    }
  });
  return { atBackup: code.slice(0, header.migrations.length), newer: code.slice(header.migrations.length) };
}

export async function applyMigrations(conn: LoadConnection, files: MigrationFile[]): Promise<void> {
  await conn.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  for (const file of files) {
    try {
      await conn.exec(file.sql);
    } catch (err) {
      throw new Error(`migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
    }
    await conn.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [
      file.name,
      file.checksum,
    ]);
  }
}

const PARTITION_BOUND = /^(DEFAULT|FOR VALUES (FROM|IN|WITH) \([^;]*\))$/s;

/** Builds the schema at the backup's level, with every partition its rows go to. */
export async function prepareSchema(
  conn: LoadConnection,
  header: BackupHeader,
  migrations: MigrationFile[],
): Promise<void> {
  for (const setting of CANONICAL_SETTINGS) await conn.query(setting);
  await dropApplicationObjects(conn);
  await applyMigrations(conn, migrations);
  const tableNames = new Set(header.tables.map((t) => t.name));
  for (const p of header.partitions) {
    if (!tableNames.has(p.parent) || !PARTITION_BOUND.test(p.bound)) {
      throw new BackupUnreadableError(`The backup file is damaged: partition ${p.name} is not valid.`);
    }
    const [exists] = await conn.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
      `public.${ident(p.name)}`,
    ]);
    if (!exists?.t) {
      await conn.query(
        `CREATE TABLE public.${ident(p.name)} PARTITION OF public.${ident(p.parent)} ${p.bound}`,
      );
    }
  }
}

interface TableTarget {
  insert: string;
}

async function insertTargets(conn: QueryRunner, header: BackupHeader): Promise<Map<string, TableTarget>> {
  const existing = new Map((await listTables(conn)).map((t) => [t.name, t.oid]));
  const targets = new Map<string, TableTarget>();
  for (const table of header.tables) {
    const oid = existing.get(table.name);
    if (!oid) {
      throw new BackupVersionError(
        `Table ${table.name} of the backup does not exist at the backup's migration level: the backup does not match its migrations.`,
      );
    }
    const columns = new Map<string, CatalogColumn>((await tableColumns(conn, oid)).map((c) => [c.name, c]));
    const typed = table.columns.map((name, i) => {
      const column = columns.get(name);
      if (!column) {
        throw new BackupVersionError(
          `Column ${table.name}.${name} of the backup does not exist at the backup's migration level.`,
        );
      }
      return { name, expr: `(v->>${i})::${column.type}`, identityAlways: column.identityAlways };
    });
    const overriding = typed.some((c) => c.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : '';
    targets.set(table.name, {
      insert:
        `INSERT INTO public.${ident(table.name)} (${typed.map((c) => ident(c.name)).join(', ')})${overriding} ` +
        `SELECT ${typed.map((c) => c.expr).join(', ')} FROM json_array_elements($1::json) AS e(v)`,
    });
  }
  return targets;
}

/** Inserts every row of the backup (and hands its files to `onFile`); checks every checksum on the way. */
export async function loadRows(
  conn: LoadConnection,
  file: string,
  encryptionKey: string | undefined,
  header: BackupHeader,
  onFile?: (entry: FileEntry, data: Buffer) => Promise<void>,
  options: { orderFree?: boolean } = {},
): Promise<ScanResult> {
  const targets = await insertTargets(conn, header);
  const result = await scanBackup(
    file,
    encryptionKey,
    {
      header(found) {
        if (found.createdAt !== header.createdAt) {
          throw new BackupUnreadableError('The backup file changed while it was being read.');
        }
      },
      async rows(table, rows: Row[]) {
        await conn.query(targets.get(table.name)!.insert, [JSON.stringify(rows)]);
      },
      ...(onFile ? { file: onFile } : {}),
    },
    options,
  );
  return result;
}

/** Sets every sequence to where it was (and never below a value already used by a row). */
export async function restoreSequences(conn: LoadConnection, header: BackupHeader): Promise<void> {
  for (const s of header.sequences) {
    if (!/^-?\d+$/.test(s.lastValue)) continue;
    const name = `public.${ident(s.name)}`;
    const [exists] = await conn.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
    if (!exists?.t) continue;
    await conn.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', [name, s.lastValue, s.isCalled]);
  }
  for (const o of await ownedSequences(conn)) {
    const seq = `public.${ident(o.sequence)}`;
    await conn.query(
      `SELECT setval($1::regclass, x.m, true)
         FROM (SELECT max(${ident(o.column)})::bigint AS m FROM public.${ident(o.table)}) x,
              (SELECT last_value, is_called FROM ${seq}) s
        WHERE x.m IS NOT NULL AND (x.m > s.last_value OR (x.m = s.last_value AND NOT s.is_called))`,
      [seq],
    );
  }
}

/** Row counts and order-free digests of the backup's tables as the database now holds them. */
export async function databaseDigests(
  conn: LoadConnection,
  header: BackupHeader,
): Promise<Map<string, { rows: number; unordered: string }>> {
  const out = new Map<string, { rows: number; unordered: string }>();
  const existing = new Map((await listTables(conn)).map((t) => [t.name, t.oid]));
  for (const table of header.tables) {
    const oid = existing.get(table.name);
    const columns = oid ? await tableColumns(conn, oid) : [];
    const digest = new TableDigest();
    const planned = {
      name: table.name,
      columns: table.columns,
      primaryKey: table.primaryKey,
      keyTypes: table.primaryKey.map((k) => columns.find((c) => c.name === k)?.type ?? 'text'),
    };
    for await (const chunk of readTableRows(conn, planned)) {
      for (const row of chunk) digest.add(JSON.stringify(row));
    }
    out.set(table.name, { rows: digest.rows, unordered: digest.unordered() });
  }
  return out;
}
