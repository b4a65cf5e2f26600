/**
 * The database adapter: a PostgreSQL server through `pg` when a URL is given, otherwise the embedded
 * PostgreSQL (PGlite) in the data directory. Both expose the same drizzle instance and raw query API.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from '../logger.js';

export type Orm = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export interface QueryRunner {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends QueryRunner {
  readonly kind: 'embedded' | 'postgres';
  readonly orm: Orm;
  /** Runs the function in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: QueryRunner) => Promise<T>): Promise<T>;
  /** Runs a multi-statement SQL script (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs the function on one dedicated connection (for session-level locks). */
  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type Connection = QueryRunner & { exec(sql: string): Promise<void> };

/**
 * Runs the function on one dedicated connection while it holds a session-level advisory lock: one
 * process at a time, across every replica on the database.
 */
export async function withAdvisoryLock<T>(
  db: Database,
  key: number,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  return db.withConnection(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await fn(conn);
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  });
}

export interface DatabaseSettings {
  url: string | undefined;
  dataDir: string;
  poolMax: number;
  statementTimeoutMs: number;
  applicationName?: string;
}

export class DatabaseLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by another Frontdesk process (pid ${pid}). ` +
        'Stop it first, or use a PostgreSQL server (DATABASE_URL) to run several processes.',
    );
    this.name = 'DatabaseLockedError';
  }
}

export async function openDatabase(settings: DatabaseSettings, logger: Logger): Promise<Database> {
  return settings.url ? openPostgres(settings, logger) : openEmbedded(settings, logger);
}

async function openPostgres(settings: DatabaseSettings, logger: Logger): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1_000,
    application_name: settings.applicationName ?? 'frontdesk',
    keepAlive: true,
  });
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', (err) => logger.warn({ err }, 'database connection lost; the pool will reconnect'));
  const orm = drizzlePg(pool) as unknown as Orm;
  // Parameterised statements are prepared once per connection and reused: the server parses and plans
  // each statement text once instead of on every call.
  const names = new Map<string, string>();
  const statementName = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < 1_000 && text.length < 8_000) {
      name = `fd_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const run = async <T>(client: pg.Pool | pg.PoolClient, text: string, params?: unknown[]) => {
    if (!params || params.length === 0) return (await client.query(text)).rows as T[];
    const name = statementName(text);
    return (await client.query({ text, values: params, ...(name ? { name } : {}) })).rows as T[];
  };
  return {
    kind: 'postgres',
    orm,
    query: (text, params) => run(pool, text, params),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (t, p) => run(client, t, p) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withConnection(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        return await fn({
          query: (t, p) => run(client, t, p),
          exec: async (sql) => {
            await client.query(sql);
          },
        });
      } catch (err) {
        broken = true;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

async function openEmbedded(settings: DatabaseSettings, logger: Logger): Promise<Database> {
  const dir = path.join(settings.dataDir, 'pgdata');
  fs.mkdirSync(dir, { recursive: true });
  const releaseLock = acquireDirectoryLock(settings.dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    releaseLock();
    throw err;
  }
  logger.info({ dataDir: settings.dataDir }, 'embedded PostgreSQL opened');
  const orm = drizzlePglite(db) as unknown as Orm;
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new Error('database is closed');
  };
  const query = async <T>(text: string, params?: unknown[]) => {
    ensureOpen();
    return (await db.query<T>(text, params)).rows;
  };
  return {
    kind: 'embedded',
    orm,
    query,
    async exec(sql) {
      ensureOpen();
      await db.exec(sql);
    },
    async transaction(fn) {
      ensureOpen();
      return db.transaction(async (tx) =>
        fn({ query: async <T>(t: string, p?: unknown[]) => (await tx.query<T>(t, p)).rows }),
      );
    },
    async withConnection(fn) {
      ensureOpen();
      // PGlite is a single connection owned by this process (the pid lock guarantees it), so session
      // state such as advisory locks already belongs to "the" connection.
      return fn({ query, exec: async (sql: string) => void (await db.exec(sql)) });
    },
    async ping() {
      ensureOpen();
      await db.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        releaseLock();
      }
    },
  };
}

/**
 * PGlite must never be opened by two processes at once. A pid file guards the data directory; a pid
 * file left by a process that died (kill -9, power loss) is taken over.
 */
function acquireDirectoryLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'frontdesk.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DatabaseLockedError(dataDir, pid);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
