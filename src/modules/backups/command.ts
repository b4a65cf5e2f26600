/**
 * `frontdesk backup …`: create (and verify), list, verify <file>, restore <file> [--force].
 * `list` and `verify` only read files, so they also work beside a running server on the embedded
 * database; `create` and `restore` open the configured database.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';
import { DatabaseLockedError, openDatabase, type Database } from '../../platform/db/database.js';
import { readMigrations } from '../../platform/db/migrate.js';
import type { Logger } from '../../platform/logger.js';
import { createMetrics } from '../../platform/metrics.js';
import { createFileStorage } from '../../platform/storage/index.js';
import { createAuditService } from '../audit/service.js';
import { createPrivacyService } from '../privacy/service.js';
import { replayErasures } from './erasure-replay.js';
import { restoreBackup } from './restore.js';
import { createBackupService, isBackupName, packageVersion, type BackupService } from './service.js';

const USAGE = `Usage: frontdesk backup <command>

Commands:
  create                    write a backup to BACKUP_DIR now, then verify it
  list                      the backups in BACKUP_DIR, newest first
  verify <file>             restore a backup into a scratch database and check it
  restore <file> [--force]  restore a backup into the configured database (DATABASE_URL or embedded);
                            --force replaces a database that already holds data

A <file> without a directory is looked up in BACKUP_DIR. See docs/backups.md.`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const size = (bytes: number) =>
  bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;

function resolveFile(config: Config, arg: string): string {
  if (!arg.includes('/') && !arg.includes(path.sep) && !fs.existsSync(arg)) {
    return path.join(config.backups.dir, arg);
  }
  return path.resolve(arg);
}

function service(config: Config, logger: Logger, db: Database | undefined): BackupService {
  return createBackupService({
    db,
    storage: db ? createFileStorage(config.uploads, createMetrics(), logger) : undefined,
    logger,
    metrics: createMetrics(),
    settings: config.backups,
    migrationsDir: path.join(config.rootDir, 'migrations'),
    appVersion: packageVersion(config.rootDir),
  });
}

async function open(config: Config, logger: Logger): Promise<Database> {
  try {
    return await openDatabase(config.database, logger);
  } catch (err) {
    if (err instanceof DatabaseLockedError) {
      throw new AppError(
        'database_in_use',
        409,
        `${err.message} To back up a running server, use the admin panel (Operations → Back up now) or POST /api/v1/admin/backups.`,
      );
    }
    throw err;
  }
}

/**
 * Erases again everyone the erasure ledger names who is in the restored data, with the privacy
 * module's erasure (its e-mail, jobs and policy pages are not needed for that, so they are inert here).
 */
async function replay(
  config: Config,
  db: Database,
  backups: BackupService,
  createdAt: Date,
  logger: Logger,
): Promise<number> {
  const metrics = createMetrics();
  const audit = createAuditService({ db, secret: config.secrets.session, logger });
  const privacy = createPrivacyService({
    db,
    queue: { define: () => undefined, enqueue: () => Promise.resolve(null) },
    sendMail: () => Promise.resolve(false),
    leads: { unsubscribe: () => Promise.resolve({ leadIds: [] }) },
    audit,
    storage: createFileStorage(config.uploads, metrics, logger),
    metrics,
    logger,
    settings: {
      secret: config.secrets.session,
      publicUrl: config.http.publicUrl,
      linkTtlHours: config.privacy.linkTtlHours,
      contactEmail: config.privacy.contactEmail,
      retention: {
        conversationMonths: config.privacy.conversationMonths,
        leadMonths: config.privacy.leadMonths,
        leadAction: config.privacy.leadAction,
        graceDays: config.privacy.graceDays,
      },
    },
    business: () => ({ name: '', email: '', phone: '' }),
    onErased: (erasure) => backups.recordErasure(erasure),
  });
  const result = await replayErasures({
    db,
    ledger: backups.ledger,
    backupCreatedAt: createdAt,
    secret: config.secrets.session,
    erase: (subject) => privacy.eraseFor(subject),
    logger,
  });
  return result.erased;
}

export async function runBackupCommand(
  config: Config,
  args: string[],
  io: Io,
  logger: Logger,
): Promise<number> {
  const [sub, ...rest] = args;
  const fail = (message: string, code = 1) => {
    io.stderr.write(`frontdesk backup ${sub ?? ''}: ${message}\n`);
    return code;
  };
  try {
    switch (sub) {
      case 'create': {
        const db = await open(config, logger);
        try {
          const { record, report } = await service(config, logger, db).createAndVerify('cli');
          io.stdout.write(
            `wrote ${path.join(config.backups.dir, record.name)} (${size(record.sizeBytes)}, ${record.rows} rows, ` +
              `${record.files.count} files${record.encrypted ? ', encrypted' : ''}) in ${(record.durationMs / 1000).toFixed(1)} s\n`,
          );
          if (!report.ok) return fail(`verification failed: ${report.error ?? 'unknown reason'}`);
          io.stdout.write(
            `verified in ${(report.durationMs / 1000).toFixed(1)} s: ${report.rows} rows restored and checked\n`,
          );
          return 0;
        } finally {
          await db.close();
        }
      }
      case 'list': {
        const list = await service(config, logger, undefined).list();
        if (list.length === 0) {
          io.stdout.write(`no backups in ${config.backups.dir}\n`);
          return 0;
        }
        for (const b of list) {
          io.stdout.write(
            [
              b.name,
              b.createdAt,
              size(b.sizeBytes),
              b.encrypted ? 'encrypted' : 'plain',
              b.slots.length > 0 ? b.slots.join('+') : 'not kept',
              b.verification + (b.verifiedAt ? ` ${b.verifiedAt}` : ''),
            ].join('  ') + '\n',
          );
        }
        return 0;
      }
      case 'verify': {
        const [arg] = rest;
        if (!arg) return fail('which file? frontdesk backup verify <file>', 2);
        const report = await service(config, logger, undefined).verifyFile(resolveFile(config, arg));
        if (!report.ok) return fail(`verification failed: ${report.error ?? 'unknown reason'}`);
        io.stdout.write(
          `verified: ${report.tables} tables, ${report.rows} rows and ${report.files} files restored into a scratch database and checked (${(report.durationMs / 1000).toFixed(1)} s)\n`,
        );
        return 0;
      }
      case 'restore': {
        const force = rest.includes('--force');
        const unknown = rest.filter((a) => a.startsWith('-') && a !== '--force');
        const [arg] = rest.filter((a) => !a.startsWith('-'));
        if (!arg || unknown.length > 0) return fail('usage: frontdesk backup restore <file> [--force]', 2);
        const file = resolveFile(config, arg);
        const db = await open(config, logger);
        try {
          const backups = service(config, logger, db);
          const result = await restoreBackup({
            db,
            file,
            encryptionKey: config.backups.encryptionKey,
            codeMigrations: readMigrations(path.join(config.rootDir, 'migrations')),
            storage: createFileStorage(config.uploads, createMetrics(), logger),
            force,
            logger,
          });
          const erased = await replay(config, db, backups, new Date(result.header.createdAt), logger);
          await createAuditService({ db, secret: config.secrets.session, logger }).record({
            actor: { type: 'system' },
            action: 'backup.restored',
            targetType: 'backup',
            targetId: isBackupName(path.basename(file)) ? path.basename(file) : null,
            details: {
              createdAt: result.header.createdAt,
              rows: result.rows,
              files: result.files,
              replacedExistingData: result.replaced.length > 0,
              erasuresApplied: erased,
            },
          });
          io.stdout.write(
            `restored ${path.basename(file)} (taken ${result.header.createdAt}, Frontdesk ${result.header.appVersion}): ` +
              `${result.tables} tables, ${result.rows} rows, ${result.files} files in ${(result.durationMs / 1000).toFixed(1)} s\n`,
          );
          if (erased > 0) {
            io.stdout.write(
              `applied again the erasure of ${erased} ${erased === 1 ? 'person' : 'people'} erased after the backup was taken\n`,
            );
          }
          return 0;
        } finally {
          await db.close();
        }
      }
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        io.stderr.write(`Unknown backup command "${sub}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof AppError) return fail(err.message);
    throw err;
  }
}
