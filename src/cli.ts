/** The `frontdesk` command: serve, migrate, seed. */
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrationsDir, startFrontdesk } from './main.js';
import { openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { createLogger, type Logger } from './platform/logger.js';
import { isClusterWorker, runPrimary } from './serve-processes.js';
import { runAdminCommand } from './modules/auth/admin-command.js';
import { runPrivacyCommand } from './modules/privacy/command.js';
import { runBackupCommand } from './modules/backups/command.js';
import { runRedteamCommand } from './modules/assistant/redteam/command.js';
import { runCompareCommand } from './modules/assistant/compare/command.js';

const USAGE = `Usage: frontdesk <command>

Commands:
  serve      run the HTTP API, web apps and background work (npm start)
  migrate    apply database migrations and exit
  seed       prepare the database for the demo (migrations; the demo business itself is the data in KNOWLEDGE_DIR)
  admin      staff accounts: admin create-user …, admin setup-link (frontdesk admin help)
  privacy    privacy inventory: write docs/data-inventory.md from the data inventory
  backup     backups: backup create, list, verify <file>, restore <file> [--force] (frontdesk backup help)
  redteam    attack a deployment's chat API with the red-team corpus (frontdesk redteam --help)
  compare-models  run the conversation scenarios against several LLMs (frontdesk compare-models --help)
  help       show this help

Configuration comes from environment variables: see .env.example and docs/configuration.md.`;

function loggerFor(config: Config): Logger {
  return createLogger({ level: config.log.level, pretty: config.log.pretty, service: config.serviceName });
}

async function serve(config: Config): Promise<void> {
  const logger = loggerFor(config);
  if (config.http.processes > 1 && !isClusterWorker()) {
    runPrimary(config.http.processes, logger);
    return;
  }
  const runtime = await startFrontdesk(config, { logger });
  logger.info({ url: runtime.url, env: config.env, database: runtime.db.kind }, 'Frontdesk is serving');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    runtime
      .close()
      .then(() => {
        logger.info('shutdown complete');
        logger.flush();
        setTimeout(() => process.exit(0), 50).unref();
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        setTimeout(() => process.exit(1), 50).unref();
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function runMigrate(config: Config): Promise<void> {
  const logger = loggerFor(config);
  const db = await openDatabase({ ...config.database, url: config.database.url }, logger);
  try {
    const { applied, total } = await migrate(db, migrationsDir(config), logger);
    logger.info({ applied: applied.length, total }, 'database is up to date');
  } finally {
    await db.close();
  }
}

async function seed(config: Config): Promise<void> {
  await runMigrate(config);
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'help'] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'migrate':
      await runMigrate(config);
      return 0;
    case 'seed':
      await seed(config);
      return 0;
    case 'admin':
      return runAdminCommand(config, argv.slice(1), {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    case 'backup':
      return runBackupCommand(
        config,
        argv.slice(1),
        { stdout: process.stdout, stderr: process.stderr },
        createLogger({
          level: config.log.level,
          pretty: config.log.pretty,
          service: config.serviceName,
          destination: process.stderr,
        }),
      );
    case 'privacy':
      return runPrivacyCommand(config, argv.slice(1), { stdout: process.stdout, stderr: process.stderr });
    case 'redteam':
      return runRedteamCommand(config, argv.slice(1), { stdout: process.stdout, stderr: process.stderr });
    case 'compare-models':
      return runCompareCommand(
        config,
        argv.slice(1),
        { stdout: process.stdout, stderr: process.stderr },
        createLogger({
          level: 'error',
          pretty: false,
          service: config.serviceName,
          destination: process.stderr,
        }),
      );
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      // A start that failed half-way leaves pools and timers open: exit rather than hang (a worker
      // process that exits is started again by the primary).
      process.exit(1);
    },
  );
}
