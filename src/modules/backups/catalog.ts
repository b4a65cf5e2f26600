/**
 * What the backup reads from the PostgreSQL catalog (the same on a server and on the embedded
 * database): the application tables of schema public with their columns and keys, the foreign keys
 * that fix the loading order, the partitions and the sequences.
 */
import type { QueryRunner } from '../../platform/db/database.js';

/** Recorded in the backup header instead of being copied as a table. */
export const MIGRATIONS_TABLE = 'frontdesk_migrations';

/**
 * Tables whose rows do not make a database "hold data": what a first start writes on its own
 * (the scheduler's bookkeeping and the one-time link for the first admin).
 */
export const HOUSEKEEPING_TABLES = new Set([
  MIGRATIONS_TABLE,
  'frontdesk_scheduled_tasks',
  'staff_setup_tokens',
]);

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface CatalogTable {
  oid: string;
  name: string;
}

export interface CatalogColumn {
  name: string;
  /** The column's type as SQL (`timestamp with time zone`, `numeric(12,6)`, `text[]` …). */
  type: string;
  /** `GENERATED ALWAYS AS IDENTITY`: inserting a value needs OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
}

const notFromExtension = (oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = ${oid} AND d.deptype = 'e')`;

/** Tables and partitioned tables of schema public (partitions are read through their parent). */
export async function listTables(conn: QueryRunner, includeMigrations = false): Promise<CatalogTable[]> {
  const rows = await conn.query<CatalogTable>(
    `SELECT c.oid::text AS oid, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND ${notFromExtension('c.oid')}
      ORDER BY c.relname`,
  );
  return includeMigrations ? rows : rows.filter((t) => t.name !== MIGRATIONS_TABLE);
}

/** Stored columns (generated columns are left out: they are computed again on insert). */
export async function tableColumns(conn: QueryRunner, oid: string): Promise<CatalogColumn[]> {
  const rows = await conn.query<{ name: string; type: string; identity: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attidentity::text AS identity
       FROM pg_attribute a
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [oid],
  );
  return rows.map((r) => ({ name: r.name, type: r.type, identityAlways: r.identity === 'a' }));
}

export async function primaryKey(conn: QueryRunner, oid: string): Promise<string[]> {
  const rows = await conn.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::oid AND i.indisprimary
      ORDER BY k.ord`,
    [oid],
  );
  return rows.map((r) => r.name);
}

/**
 * The tables in an order where each comes after the tables its foreign keys reference (ties and
 * cycles fall back to name order; a cycle would need deferrable constraints, which Frontdesk has none of).
 */
export async function foreignKeyOrder(conn: QueryRunner, tables: CatalogTable[]): Promise<CatalogTable[]> {
  const edges = await conn.query<{ child: string; parent: string }>(
    `SELECT conrelid::text AS child, confrelid::text AS parent FROM pg_constraint WHERE contype = 'f'`,
  );
  const known = new Map(tables.map((t) => [t.oid, t]));
  const needs = new Map<string, Set<string>>(tables.map((t) => [t.oid, new Set<string>()]));
  for (const e of edges) {
    if (e.child !== e.parent && known.has(e.child) && known.has(e.parent)) needs.get(e.child)?.add(e.parent);
  }
  const ordered: CatalogTable[] = [];
  const placed = new Set<string>();
  const byName = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (ordered.length < tables.length) {
    const ready = byName.find(
      (t) => !placed.has(t.oid) && [...(needs.get(t.oid) ?? [])].every((p) => placed.has(p)),
    );
    const next = ready ?? byName.find((t) => !placed.has(t.oid));
    if (!next) break;
    placed.add(next.oid);
    ordered.push(next);
  }
  return ordered;
}

export interface PartitionInfo {
  parent: string;
  name: string;
  bound: string;
}

export async function listPartitions(conn: QueryRunner): Promise<PartitionInfo[]> {
  return conn.query<PartitionInfo>(
    `SELECT p.relname AS parent, c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = 'public' AND p.relkind = 'p' AND c.relispartition
      ORDER BY p.relname, c.relname`,
  );
}

export interface SequenceInfo {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export async function listSequences(conn: QueryRunner): Promise<SequenceInfo[]> {
  const names = await conn.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'S' AND ${notFromExtension('c.oid')}
      ORDER BY c.relname`,
  );
  const out: SequenceInfo[] = [];
  for (const { name } of names) {
    const [row] = await conn.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM public.${ident(name)}`,
    );
    if (row) out.push({ name, lastValue: row.last_value, isCalled: row.is_called });
  }
  return out;
}

/** Sequences that feed a column (serial, identity), with that column. */
export async function ownedSequences(
  conn: QueryRunner,
): Promise<Array<{ sequence: string; table: string; column: string }>> {
  return conn.query(
    `SELECT s.relname AS sequence, t.relname AS "table", a.attname AS "column"
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE d.deptype IN ('a', 'i') AND n.nspname = 'public' AND NOT t.relispartition`,
  );
}

/** Application tables (housekeeping aside) that have at least one row. */
export async function tablesWithRows(conn: QueryRunner): Promise<string[]> {
  const out: string[] = [];
  for (const t of await listTables(conn)) {
    if (HOUSEKEEPING_TABLES.has(t.name)) continue;
    const [row] = await conn.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM public.${ident(t.name)}) AS any`,
    );
    if (row?.any) out.push(t.name);
  }
  return out;
}

/**
 * Drops everything the migrations made in schema public (tables with their partitions, indexes,
 * triggers and sequences; views; functions; types), so the migrations can build it again from the
 * start. Objects of extensions are left alone. Runs inside the caller's transaction.
 */
export async function dropApplicationObjects(conn: QueryRunner): Promise<void> {
  const relations = await conn.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'r', 'p', 'f') AND NOT c.relispartition
        AND ${notFromExtension('c.oid')}
      ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 ELSE 2 END, c.relname`,
  );
  const dropOf: Record<string, string> = {
    v: 'VIEW',
    m: 'MATERIALIZED VIEW',
    r: 'TABLE',
    p: 'TABLE',
    f: 'FOREIGN TABLE',
  };
  for (const r of relations) {
    await conn.query(`DROP ${dropOf[r.kind] ?? 'TABLE'} IF EXISTS public.${ident(r.name)} CASCADE`);
  }
  const sequences = await conn.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'S' AND ${notFromExtension('c.oid')}`,
  );
  for (const s of sequences) await conn.query(`DROP SEQUENCE IF EXISTS public.${ident(s.name)} CASCADE`);
  const routines = await conn.query<{ signature: string; kind: string }>(
    `SELECT p.oid::regprocedure::text AS signature, p.prokind::text AS kind
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND ${notFromExtension('p.oid')}`,
  );
  for (const r of routines) {
    const what = r.kind === 'p' ? 'PROCEDURE' : r.kind === 'a' ? 'AGGREGATE' : 'FUNCTION';
    await conn.query(`DROP ${what} IF EXISTS ${r.signature} CASCADE`);
  }
  const types = await conn.query<{ name: string; kind: string }>(
    `SELECT t.typname AS name, t.typtype::text AS kind
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'c')
        AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
        AND ${notFromExtension('t.oid')}`,
  );
  for (const t of types) {
    await conn.query(`DROP ${t.kind === 'd' ? 'DOMAIN' : 'TYPE'} IF EXISTS public.${ident(t.name)} CASCADE`);
  }
}
