/**
 * Starts the real Frontdesk application on an ephemeral port for a test, with its own database
 * (embedded by default, or a fresh database on the TEST_DATABASE_URL server) and captured log lines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { startFrontdesk, type Runtime } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { freshEmbeddedDataDir, freshServerDatabase, ROOT, type DatabaseTarget } from './database.js';

export interface TestServer {
  url: string;
  runtime: Runtime;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The raw log output. */
  rawLogs(): string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string | undefined>;
  database?: DatabaseTarget;
  /** Reuse an existing data directory (embedded) instead of a fresh one. */
  dataDir?: string;
}

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  LOG_PRETTY: 'false',
  KNOWLEDGE_WATCH: 'false',
  RATE_LIMIT_ENABLED: 'false',
  BACKUP_ENABLED: 'false',
};

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const target = options.database ?? 'embedded';
  let dataDir = options.dataDir;
  let serverDb: { url: string; drop(): Promise<void> } | undefined;
  if (target === 'postgres') serverDb = await freshServerDatabase();
  else dataDir ??= await freshEmbeddedDataDir();

  // Backups made by a test go to a directory of its own, never to the repository's data/.
  const backupDir = options.env?.BACKUP_DIR
    ? undefined
    : fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-test-backups-'));
  const env: Record<string, string | undefined> = {
    ...TEST_ENV,
    DATA_DIR: dataDir,
    DATABASE_URL: serverDb?.url,
    BACKUP_DIR: backupDir,
    ...options.env,
  };
  const config = loadConfig(env, ROOT);
  let raw = '';
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      const text = String(chunk);
      raw += text;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ raw: line });
        }
      }
      cb();
    },
  });
  const logger = createLogger({
    level: config.log.level,
    pretty: false,
    service: 'frontdesk-test',
    destination,
  });
  const runtime = await startFrontdesk(config, { logger });
  return {
    url: runtime.url,
    runtime,
    logs,
    rawLogs: () => raw,
    async close() {
      await runtime.close();
      if (serverDb) await serverDb.drop();
      if (dataDir && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
    },
  };
}
