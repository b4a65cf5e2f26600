/**
 * `frontdesk admin …`: staff accounts from the command line.
 *
 *   frontdesk admin create-user --email a@b.pl --role admin [--name "Anna Nowak"]
 *       reads the password from stdin when it is not a terminal, otherwise asks twice without echo
 *   frontdesk admin setup-link
 *       prints a fresh one-time link for creating the first admin
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';
import { createCache } from '../../platform/cache.js';
import { openDatabase } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { createLogger } from '../../platform/logger.js';
import { createMetrics } from '../../platform/metrics.js';
import { createAuditService } from '../audit/service.js';
import { isRole, ROLES } from './access.js';
import { createAuthService } from './service.js';

export const ADMIN_USAGE = `Usage: frontdesk admin <command>

Commands:
  create-user --email <address> --role <${ROLES.join('|')}> [--name "<display name>"]
              create a staff account; the password is read from stdin (or asked for on a terminal)
  setup-link  print a fresh one-time link (24 h) for creating the first admin`;

export interface AdminIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) text += String(chunk);
  return text;
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(question: string, io: AdminIo): Promise<string> {
  const input = io.stdin;
  io.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

async function readPassword(io: AdminIo): Promise<string> {
  if (!io.stdin.isTTY) {
    const text = await readAll(io.stdin);
    return text.split(/\r?\n/)[0] ?? '';
  }
  const first = await promptHidden('Password (at least 12 characters): ', io);
  const second = await promptHidden('Repeat the password: ', io);
  if (first !== second) throw new AppError('password_mismatch', 400, 'The two passwords differ.');
  return first;
}

/** Runs `frontdesk admin <args>`; returns the exit code. */
export async function runAdminCommand(config: Config, args: string[], io: AdminIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help') {
    io.stdout.write(`${ADMIN_USAGE}\n`);
    return 0;
  }
  if (command !== 'create-user' && command !== 'setup-link') {
    io.stderr.write(`Unknown admin command "${command}".\n\n${ADMIN_USAGE}\n`);
    return 2;
  }
  let options: { email?: string; role?: string; name?: string };
  try {
    options = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    }).values;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${ADMIN_USAGE}\n`);
    return 2;
  }
  if (command === 'create-user' && (!options.email || !isRole(options.role))) {
    io.stderr.write(`create-user needs --email and --role (${ROLES.join(', ')}).\n\n${ADMIN_USAGE}\n`);
    return 2;
  }

  const logger = createLogger({
    level: 'warn',
    pretty: false,
    service: config.serviceName,
    destination: io.stderr,
  });
  const db = await openDatabase(
    {
      url: config.database.url,
      dataDir: config.database.dataDir,
      poolMax: 2,
      statementTimeoutMs: config.database.statementTimeoutMs,
      applicationName: `${config.serviceName}-admin`,
    },
    logger,
  );
  const cache = createCache({ url: undefined, keyPrefix: config.redis.keyPrefix }, logger, createMetrics());
  try {
    await migrate(db, `${config.rootDir}/migrations`, logger);
    const audit = createAuditService({ db, secret: config.secrets.session, logger });
    const auth = createAuthService({ db, cache, config, logger, audit });

    if (command === 'setup-link') {
      if (await auth.hasAdmin()) {
        io.stderr.write('An admin account already exists: sign in, or use "frontdesk admin create-user".\n');
        return 1;
      }
      const link = await auth.createSetupLink();
      io.stdout.write(`${link.url}\n(valid for ${link.expiresInHours} hours, one use)\n`);
      return 0;
    }

    const email = options.email!;
    const role = options.role as (typeof ROLES)[number];
    const password = await readPassword(io);
    const user = await auth.createUser({
      email,
      role,
      name: options.name?.trim() || (email.split('@')[0] ?? email),
      password,
    });
    await audit.record({
      actor: { type: 'system' },
      action: 'user.created',
      targetType: 'staff_user',
      targetId: user.id,
      details: { role: user.role, via: 'cli' },
    });
    io.stdout.write(`Created ${user.role} account ${user.email} (id ${user.id}).\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await cache.close();
    await db.close();
  }
}
