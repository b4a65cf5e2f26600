/** Helpers of the backup tests: the `frontdesk backup` command in-process, and database snapshots. */
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { runBackupCommand } from '../../src/modules/backups/command.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { ROOT, freshEmbeddedDataDir, freshServerDatabase, type DatabaseTarget } from '../helpers/database.js';
import { TEST_ENV } from '../helpers/server.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Log lines (JSON) the command wrote. */
  logs: string;
}

function collector(): { stream: Writable; text(): string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }),
    text: () => text,
  };
}

/** A configuration as `frontdesk` would load it from this environment (on top of the test defaults). */
export function cliConfig(env: Record<string, string | undefined>): Config {
  return loadConfig({ ...TEST_ENV, ...env }, ROOT);
}

/** Runs `frontdesk backup <args>` in this process. */
export async function backupCli(config: Config, args: string[]): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const log = collector();
  const logger = createLogger({
    level: 'info',
    pretty: false,
    service: 'frontdesk-test',
    destination: log.stream,
  });
  const code = await runBackupCommand(config, args, { stdout: out.stream, stderr: err.stream }, logger);
  return { code, stdout: out.text(), stderr: err.text(), logs: log.text() };
}

/** A database the restore goes into: an embedded data directory (migrated, empty) or a new server database. */
export interface RestoreTarget {
  kind: DatabaseTarget;
  env: Record<string, string | undefined>;
  drop(): Promise<void>;
}

export async function freshTarget(
  kind: DatabaseTarget,
  dataDirFallback: () => string,
): Promise<RestoreTarget> {
  if (kind === 'postgres') {
    const db = await freshServerDatabase();
    return { kind, env: { DATABASE_URL: db.url, DATA_DIR: dataDirFallback() }, drop: () => db.drop() };
  }
  const dir = await freshEmbeddedDataDir();
  const { rmSync } = await import('node:fs');
  return {
    kind,
    env: { DATA_DIR: dir, DATABASE_URL: undefined },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every table of schema public (partitions included) with its row count, and the applied migrations. */
export async function snapshotOf(config: Config): Promise<Record<string, number>> {
  const logger = createLogger({ level: 'silent', pretty: false, service: 'frontdesk-test' });
  const db = await openDatabase({ ...config.database, poolMax: 2 }, logger);
  try {
    const tables = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    );
    const out: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${name}"`);
      out[name] = Number(row?.n ?? 0);
    }
    return out;
  } finally {
    await db.close();
  }
}
