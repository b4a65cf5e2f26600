/**
 * Test databases: an embedded PGlite copied from a migrated template (fast), or a fresh database on
 * the PostgreSQL server named by TEST_DATABASE_URL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { readMigrations } from '../../src/platform/db/migrate.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const MIGRATIONS = path.join(ROOT, 'migrations');

export type DatabaseTarget = 'embedded' | 'postgres';

/** The databases a suite that touches storage runs against: always embedded, plus the server in CI. */
export function databaseTargets(): DatabaseTarget[] {
  return process.env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
}

function templateDir(): string {
  const hash = crypto.createHash('sha256');
  for (const m of readMigrations(MIGRATIONS)) hash.update(m.name).update(m.checksum);
  return path.join(os.tmpdir(), `frontdesk-test-template-${hash.digest('hex').slice(0, 16)}`);
}

/** A fresh data directory holding an embedded database with every migration applied. */
export async function freshEmbeddedDataDir(): Promise<string> {
  const template = templateDir();
  if (!fs.existsSync(path.join(template, 'ready'))) {
    const building = `${template}.${process.pid}.${Date.now()}`;
    fs.mkdirSync(path.join(building, 'pgdata'), { recursive: true });
    const db = await PGlite.create(path.join(building, 'pgdata'));
    await db.exec(`CREATE TABLE IF NOT EXISTS frontdesk_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const m of readMigrations(MIGRATIONS)) {
      await db.exec(m.sql);
      await db.query('INSERT INTO frontdesk_migrations (name, checksum) VALUES ($1, $2)', [
        m.name,
        m.checksum,
      ]);
    }
    await db.close();
    fs.writeFileSync(path.join(building, 'ready'), '');
    try {
      fs.renameSync(building, template);
    } catch {
      fs.rmSync(building, { recursive: true, force: true });
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-test-'));
  fs.cpSync(path.join(template, 'pgdata'), path.join(dir, 'pgdata'), { recursive: true });
  return dir;
}

/** Creates an empty database on the TEST_DATABASE_URL server; returns its URL and a drop function. */
export async function freshServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `frontdesk_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
