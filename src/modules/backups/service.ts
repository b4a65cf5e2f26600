/**
 * Backups as a feature: one file per backup in BACKUP_DIR (database rows and locally stored uploads),
 * optionally encrypted; each scheduled backup is verified by restoring it into a scratch database right
 * after it is written, then the rotation deletes what the policy no longer keeps. A small JSON file
 * next to each backup records what it holds and how its verification went. Restore is a CLI command
 * (restore.ts); the erasure ledger (erasure-ledger.ts) makes erasures survive a restore.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../platform/db/database.js';
import { readMigrations } from '../../platform/db/migrate.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { dumpDatabase } from './dump.js';
import { createErasureLedger, type ErasureEntry } from './erasure-ledger.js';
import { BackupNotFoundError, BackupRunningError } from './errors.js';
import { assembleBackup, BodySpool, isEncryptedFile, syncDirectory } from './file-format.js';
import { planRotation, type KeepPolicy, type RotationSlot } from './rotation.js';
import { verifyBackup, type VerifyReport } from './verify.js';

export interface BackupSettings {
  enabled: boolean;
  /** Absolute directory of the backup files, their records and the erasure ledger. */
  dir: string;
  /** The daily backup is due from this hour (UTC) on. */
  hourUtc: number;
  keep: KeepPolicy;
  encryptionKey: string | undefined;
}

/** What is recorded next to each backup (`<name>.json`). */
export interface BackupRecord {
  name: string;
  createdAt: string;
  sizeBytes: number;
  sha256: string;
  encrypted: boolean;
  appVersion: string;
  database: 'embedded' | 'postgres';
  trigger: BackupTrigger;
  migrations: number;
  tables: number;
  rows: number;
  files: { count: number; bytes: number; missing: number };
  durationMs: number;
  verification: VerifyReport | null;
}

export type BackupTrigger = 'scheduled' | 'manual' | 'cli';
export type VerificationState = 'passed' | 'failed' | 'pending' | 'not_verified';

export interface BackupSummary {
  name: string;
  createdAt: string;
  sizeBytes: number;
  encrypted: boolean;
  /** The rotation slots that keep it (empty: the next rotation deletes it, or it failed verification). */
  slots: RotationSlot[];
  verification: VerificationState;
  verifiedAt: string | null;
  verifyError: string | null;
  rows: number | null;
  files: number | null;
  trigger: BackupTrigger | null;
}

const NAME = /^frontdesk-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})Z(?:-(\d+))?\.backup$/;
const RECORD_SUFFIX = '.json';
const DAY_MS = 86_400_000;

/** The version in package.json (recorded in each backup). */
export function packageVersion(rootDir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function isBackupName(name: string): boolean {
  return NAME.test(name);
}

function nameFor(at: Date, attempt: number): string {
  const iso = at.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return `frontdesk-${stamp}${attempt > 1 ? `-${attempt}` : ''}.backup`;
}

function timeOfName(name: string): Date | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** The moment today's scheduled backup became due (the configured hour, today or yesterday). */
export function lastDueTime(now: Date, hourUtc: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc);
  return new Date(today <= now.getTime() ? today : today - DAY_MS);
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temp = path.join(path.dirname(file), `.frontdesk-${randomUUID()}.json.tmp`);
  const fh = await fs.open(temp, 'w', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(temp, file);
}

export function createBackupService(deps: {
  /** Needed to write backups; listing and verifying work without it (the CLI, beside a running server). */
  db: Database | undefined;
  storage: FileStorage | undefined;
  logger: Logger;
  metrics: Metrics;
  settings: BackupSettings;
  migrationsDir: string;
  appVersion: string;
}) {
  const { settings, logger } = deps;
  const dir = settings.dir;
  const ledger = createErasureLedger(dir);
  const c = deps.metrics.client;
  const registers = [deps.metrics.registry];
  const lastSuccess = new c.Gauge({
    name: 'frontdesk_backup_last_success_timestamp_seconds',
    help: 'When the last backup was written successfully (Unix time)',
    registers,
  });
  const lastDuration = new c.Gauge({
    name: 'frontdesk_backup_last_duration_seconds',
    help: 'How long writing the last successful backup took',
    registers,
  });
  const lastSize = new c.Gauge({
    name: 'frontdesk_backup_last_size_bytes',
    help: 'Size of the last successful backup file',
    registers,
  });
  const lastVerified = new c.Gauge({
    name: 'frontdesk_backup_last_verified_timestamp_seconds',
    help: 'When a backup last passed its verification (a test restore into a scratch database)',
    registers,
  });
  const failures = new c.Counter({
    name: 'frontdesk_backup_failures_total',
    help: 'Backups that failed, by stage (create, verify, rotate)',
    labelNames: ['stage'] as const,
    registers,
  });
  for (const stage of ['create', 'verify', 'rotate']) failures.inc({ stage }, 0);

  let busy: Promise<unknown> | undefined;
  let verifying: string | undefined;

  const recordFile = (name: string) => path.join(dir, `${name}${RECORD_SUFFIX}`);

  /** The record next to a backup (fields may be missing in one written by hand or by an older version). */
  async function readRecord(name: string): Promise<BackupRecord | undefined> {
    try {
      const value: unknown = JSON.parse(await fs.readFile(recordFile(name), 'utf8'));
      return value && typeof value === 'object' ? (value as BackupRecord) : undefined;
    } catch {
      return undefined;
    }
  }

  async function names(): Promise<string[]> {
    try {
      return (await fs.readdir(dir)).filter(isBackupName).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  interface Listed {
    name: string;
    createdAt: Date;
    sizeBytes: number;
    encrypted: boolean;
    record: BackupRecord | undefined;
    /** Being verified when its record was read (taken before reading, so the two agree). */
    verifying: boolean;
  }

  async function listed(): Promise<Listed[]> {
    const out: Listed[] = [];
    for (const name of await names()) {
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat) continue;
      // Verification writes the record before it stops counting as running: look at the flag first.
      const beingVerified = verifying === name;
      const record = await readRecord(name);
      const recorded = record ? new Date(record.createdAt) : undefined;
      const createdAt =
        recorded && !Number.isNaN(recorded.getTime()) ? recorded : (timeOfName(name) ?? stat.mtime);
      out.push({
        name,
        createdAt,
        sizeBytes: stat.size,
        encrypted: record?.encrypted ?? (await isEncryptedFile(file).catch(() => false)),
        record,
        verifying: beingVerified,
      });
    }
    return out;
  }

  function stateOf(b: Listed): VerificationState {
    if (b.verifying) return 'pending';
    const v = b.record?.verification;
    return !v ? 'not_verified' : v.ok ? 'passed' : 'failed';
  }

  function summarize(b: Listed, slots: RotationSlot[]): BackupSummary {
    return {
      name: b.name,
      createdAt: b.createdAt.toISOString(),
      sizeBytes: b.sizeBytes,
      encrypted: b.encrypted,
      slots,
      verification: stateOf(b),
      verifiedAt: b.record?.verification?.checkedAt ?? null,
      verifyError: b.record?.verification?.error ?? null,
      rows: typeof b.record?.rows === 'number' ? b.record.rows : null,
      files: typeof b.record?.files?.count === 'number' ? b.record.files.count : null,
      trigger: b.record?.trigger ?? null,
    };
  }

  function plan(all: Listed[], now: Date) {
    return planRotation(
      all.map((b) => ({
        name: b.name,
        createdAt: b.createdAt,
        failed: b.record?.verification?.ok === false,
      })),
      now,
      settings.keep,
    );
  }

  /** Writes one backup now (the caller holds `busy`). */
  async function write(trigger: BackupTrigger): Promise<BackupRecord> {
    const started = Date.now();
    try {
      if (!deps.db) throw new Error('backups are written through an open database');
      const db = deps.db;
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const spool = new BodySpool(dir);
      try {
        const { header, snapshotMs } = await dumpDatabase({
          db,
          spool,
          storage: deps.storage,
          appVersion: deps.appVersion,
          logger,
        });
        await spool.close();
        const createdAt = new Date(header.createdAt);
        let name = nameFor(createdAt, 1);
        for (
          let attempt = 2;
          (await fs.stat(path.join(dir, name)).catch(() => undefined)) !== undefined;
          attempt++
        ) {
          name = nameFor(createdAt, attempt);
        }
        const written = await assembleBackup(
          path.join(dir, name),
          JSON.stringify(header),
          spool,
          settings.encryptionKey,
        );
        const record: BackupRecord = {
          name,
          createdAt: header.createdAt,
          sizeBytes: written.size,
          sha256: written.sha256,
          encrypted: written.encrypted,
          appVersion: header.appVersion,
          database: header.database,
          trigger,
          migrations: header.migrations.length,
          tables: header.tables.length,
          rows: header.tables.reduce((n, t) => n + t.rows, 0),
          files: { count: header.files.count, bytes: header.files.bytes, missing: header.files.missing },
          durationMs: Date.now() - started,
          verification: null,
        };
        await writeJsonAtomically(recordFile(name), record);
        await syncDirectory(dir);
        lastSuccess.set(Date.now() / 1000);
        lastDuration.set(record.durationMs / 1000);
        lastSize.set(record.sizeBytes);
        logger.info(
          {
            backup: name,
            trigger,
            bytes: record.sizeBytes,
            rows: record.rows,
            files: record.files.count,
            encrypted: record.encrypted,
            ms: record.durationMs,
            snapshotMs,
          },
          'backup written',
        );
        return record;
      } finally {
        await spool.close().catch(() => undefined);
        await spool.remove();
      }
    } catch (err) {
      if (!(err instanceof BackupRunningError)) {
        failures.inc({ stage: 'create' });
        logger.error({ err, trigger }, 'backup failed');
      }
      throw err;
    }
  }

  /** Verifies a backup file; records the outcome next to it when it is one of BACKUP_DIR's. */
  async function verifyFile(file: string): Promise<VerifyReport> {
    const name = path.basename(file);
    const inDir = path.resolve(path.dirname(file)) === path.resolve(dir) && isBackupName(name);
    if (inDir) verifying = name;
    try {
      const report = await verifyBackup(file, settings.encryptionKey, readMigrations(deps.migrationsDir));
      if (report.ok) lastVerified.set(Date.now() / 1000);
      else {
        failures.inc({ stage: 'verify' });
        logger.error({ backup: name, error: report.error }, 'backup verification failed');
      }
      if (inDir) {
        const record = await readRecord(name);
        if (record) await writeJsonAtomically(recordFile(name), { ...record, verification: report });
      }
      if (report.ok)
        logger.info({ backup: name, ms: report.durationMs, rows: report.rows }, 'backup verified');
      return report;
    } finally {
      if (verifying === name) verifying = undefined;
    }
  }

  async function rotate(now = new Date()): Promise<string[]> {
    try {
      const decided = plan(await listed(), now);
      for (const name of decided.remove) {
        await fs.rm(path.join(dir, name), { force: true });
        await fs.rm(recordFile(name), { force: true });
      }
      // Leftovers of a backup interrupted by a crash (unreadable: their one-time key is gone).
      for (const leftover of (await fs.readdir(dir)).filter((f) => /^\.frontdesk-.+\.tmp$/.test(f))) {
        const stat = await fs.stat(path.join(dir, leftover)).catch(() => undefined);
        if (stat && now.getTime() - stat.mtime.getTime() > DAY_MS) {
          await fs.rm(path.join(dir, leftover), { force: true });
        }
      }
      if (decided.remove.length > 0) {
        await syncDirectory(dir);
        logger.info({ deleted: decided.remove.length, kept: decided.keep.size }, 'old backups rotated out');
      }
      return decided.remove;
    } catch (err) {
      failures.inc({ stage: 'rotate' });
      logger.error({ err }, 'backup rotation failed');
      throw err;
    }
  }

  /** Runs `fn` unless a backup is already being made in this process (then 409). */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (busy) return Promise.reject(new BackupRunningError());
    const run = fn();
    busy = run
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        busy = undefined;
      });
    return run;
  }

  async function summaryOf(name: string): Promise<BackupSummary> {
    const all = await listed();
    const found = all.find((b) => b.name === name);
    if (!found) throw new BackupNotFoundError(path.join(dir, name));
    return summarize(found, plan(all, new Date()).keep.get(name) ?? []);
  }

  return {
    dir,
    settings,

    isRunning: () => busy !== undefined,

    /** Every backup in BACKUP_DIR, newest first. */
    async list(now = new Date()): Promise<BackupSummary[]> {
      const all = await listed();
      const slots = plan(all, now).keep;
      return all.map((b) => summarize(b, slots.get(b.name) ?? [])).reverse();
    },

    /**
     * Writes a backup now and returns it; its verification runs on in the background (the list shows
     * it as pending, then passed or failed). 409 while another backup is being made.
     */
    async startManual(): Promise<BackupSummary> {
      let announce: (record: BackupRecord) => void = () => undefined;
      const written = new Promise<BackupRecord>((resolve) => (announce = resolve));
      const run = exclusive(async () => {
        const record = await write('manual');
        verifying = record.name;
        announce(record);
        await verifyFile(path.join(dir, record.name)).catch((err: unknown) =>
          logger.error({ err, backup: record.name }, 'backup verification failed'),
        );
      });
      run.catch(() => undefined);
      const record = await Promise.race([written, run.then(() => written)]);
      return summaryOf(record.name);
    },

    /** Writes and verifies a backup (the CLI). */
    async createAndVerify(
      trigger: BackupTrigger = 'cli',
    ): Promise<{ record: BackupRecord; report: VerifyReport }> {
      return exclusive(async () => {
        const record = await write(trigger);
        const report = await verifyFile(path.join(dir, record.name));
        return { record, report };
      });
    },

    verifyFile,
    rotate,

    /**
     * The scheduled run: when no backup was made since today's BACKUP_HOUR_UTC, writes one, verifies
     * it, then rotates. Failures are logged and counted (and the scheduler tries again next period).
     */
    async runScheduled(now = new Date()): Promise<Record<string, unknown>> {
      if (busy) return { skipped: 'a backup is being made' };
      const due = lastDueTime(now, settings.hourUtc);
      let recent: Listed | undefined;
      try {
        recent = (await listed()).find((b) => b.createdAt.getTime() >= due.getTime());
      } catch (err) {
        failures.inc({ stage: 'create' });
        logger.error({ err, trigger: 'scheduled' }, 'backup failed');
        throw err;
      }
      if (recent) return { skipped: 'not due' };
      return exclusive(async () => {
        const record = await write('scheduled');
        const report = await verifyFile(path.join(dir, record.name));
        const deleted = await rotate(new Date());
        return { backup: record.name, verified: report.ok, deleted: deleted.length };
      });
    },

    /** The privacy module's erasure hook: appends to the erasure ledger. */
    async recordErasure(entry: ErasureEntry): Promise<void> {
      await ledger.append(entry);
    },

    ledger,

    /** Waits for a backup or verification in progress (shutdown). */
    async stop(): Promise<void> {
      await busy;
    },
  };
}

export type BackupService = ReturnType<typeof createBackupService>;
