/**
 * The data inventory covers the real schema: every table of the migrated database is listed, every
 * column of a table holding personal data is annotated, and so is every column whose name suggests
 * personal data anywhere. docs/data-inventory.md is the generated one, and the consent log is
 * append-only in the database itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTables, customerTables } from '../../src/modules/privacy/inventory.js';
import { renderInventoryMarkdown } from '../../src/modules/privacy/inventory-doc.js';
import { freshEmbeddedDataDir, ROOT } from '../helpers/database.js';

/** Column names that look like personal data wherever they appear. */
const PERSONAL_NAME =
  /(^|_)(e?mail|phone|name|ip|address|message|text|content|user_agent|original_name|details|meta|payload|state|summary|note|value|reason)(_|$)/;

let dir: string;
let db: PGlite;
let columns: { table: string; column: string }[];

beforeAll(async () => {
  dir = await freshEmbeddedDataDir();
  db = await PGlite.create(path.join(dir, 'pgdata'));
  const result = await db.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1, a.attnum`,
  );
  columns = result.rows;
});
afterAll(async () => {
  await db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('data inventory', () => {
  it('lists every table of the database, and only those', () => {
    const inDb = [...new Set(columns.map((c) => c.table))].sort();
    const listed = allTables()
      .map((t) => t.table)
      .sort();
    expect(listed).toEqual(inDb);
  });

  it('annotates every column of tables holding personal data, and every column that looks personal', () => {
    const byTable = new Map(allTables().map((t) => [t.table, t]));
    const missing: string[] = [];
    for (const { table, column } of columns) {
      const entry = byTable.get(table);
      const annotated = entry !== undefined && column in entry.columns;
      const mustBe = (entry !== undefined && entry.holds !== 'none') || PERSONAL_NAME.test(column);
      if (mustBe && !annotated) missing.push(`${table}.${column}`);
    }
    expect(missing, 'columns without an annotation in src/modules/privacy/inventory.ts').toEqual([]);
    const stale: string[] = [];
    for (const t of allTables()) {
      for (const column of Object.keys(t.columns)) {
        if (!columns.some((c) => c.table === t.table && c.column === column))
          stale.push(`${t.table}.${column}`);
      }
    }
    expect(stale, 'annotations of columns that do not exist').toEqual([]);
  });

  it('says for every customer table how a person is found and what erasure does', () => {
    for (const t of customerTables()) {
      expect(t.link, t.table).toBeDefined();
      expect(t.erasure, t.table).toBeDefined();
      expect(Object.keys(t.columns), t.table).toContain(t.link!.column);
    }
  });

  it('docs/data-inventory.md is the generated inventory (run `frontdesk privacy inventory`)', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'data-inventory.md'), 'utf8');
    expect(committed).toBe(renderInventoryMarkdown());
  });

  it('the consent log refuses UPDATE and DELETE', async () => {
    await db.query(
      `INSERT INTO consent_log (subject_hash, purpose, old_value, new_value, source) VALUES ('h', 'marketing', 'unknown', 'given', 'form')`,
    );
    await expect(db.query(`UPDATE consent_log SET new_value = 'withdrawn'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM consent_log`)).rejects.toThrow(/append-only/);
    const rows = await db.query(`SELECT new_value FROM consent_log`);
    expect(rows.rows).toEqual([{ new_value: 'given' }]);
  });
});
