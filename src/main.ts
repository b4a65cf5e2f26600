/**
 * The composition root: configuration → dependencies → application → listen → graceful shutdown.
 * It wires the pieces together and holds no business logic.
 */
import path from 'node:path';
import type { Config } from './config.js';
import { buildApp, type App } from './http/app.js';
import { createCache, type Cache } from './platform/cache.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrate, readMigrations } from './platform/db/migrate.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createMetrics } from './platform/metrics.js';
import { createOfflineAssistant, loadAssistantDialogue } from './modules/assistant/service.js';
import { chatRoutes } from './modules/chat/routes.js';
import { createChatService } from './modules/chat/service.js';
import { createKnowledgeService, type KnowledgeService } from './modules/knowledge/service.js';
import { createLeadService } from './modules/leads/service.js';
import { createHealthService } from './modules/ops/health-service.js';
import { opsRoutes } from './modules/ops/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { createAuditService } from './modules/audit/service.js';
import { staffAuthPlugin } from './modules/auth/guard.js';
import { authRoutes } from './modules/auth/routes.js';
import { createAuthService } from './modules/auth/service.js';
import { createScheduler, type Scheduler } from './platform/scheduler.js';
import { widgetRoutes } from './modules/widget/routes.js';
import { loadWidgetSettings } from './modules/widget/settings.js';

export interface Runtime {
  app: App;
  db: Database;
  cache: Cache;
  logger: Logger;
  config: Config;
  /** The base URL the server listens on (after listen). */
  url: string;
  /** Stops accepting, finishes in-flight requests (bounded), closes the database and Redis. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Listen on the configured port (default true); tests may inject requests without listening. */
  listen?: boolean;
}

export function migrationsDir(config: Config): string {
  return path.join(config.rootDir, 'migrations');
}

export async function startFrontdesk(config: Config, options: StartOptions = {}): Promise<Runtime> {
  const logger =
    options.logger ??
    createLogger({ level: config.log.level, pretty: config.log.pretty, service: config.serviceName });
  const metrics = createMetrics();
  const db = await openDatabase(
    {
      url: config.database.url,
      dataDir: config.database.dataDir,
      poolMax: config.database.poolMax,
      statementTimeoutMs: config.database.statementTimeoutMs,
      applicationName: config.serviceName,
    },
    logger,
  );
  const cache = createCache(config.redis, logger, metrics);
  let knowledge: KnowledgeService | undefined;
  let scheduler: Scheduler | undefined;
  const closeDependencies = async () => {
    await scheduler?.stop();
    await knowledge?.close();
    await cache.close().catch((err) => logger.warn({ err }, 'closing the cache failed'));
    await db.close().catch((err) => logger.warn({ err }, 'closing the database failed'));
  };

  let app: App;
  try {
    const expectedMigrations = readMigrations(migrationsDir(config)).length;
    if (config.database.migrateOnStart) await migrate(db, migrationsDir(config), logger);
    const health = createHealthService({ db, cache, expectedMigrations });
    const audit = createAuditService({ db, secret: config.secrets.session, logger });
    const auth = createAuthService({ db, cache, config, logger, audit });
    await auth.announceSetupLinkIfNeeded();
    knowledge = await createKnowledgeService({
      dir: config.knowledge.dir,
      watch: config.knowledge.watch,
      onError: (err) =>
        logger.error({ err }, 'knowledge base reload failed; still serving the previous version'),
      onReload: (snapshot) => logger.info({ version: snapshot.version }, 'knowledge base reloaded'),
    });
    const assistant = createOfflineAssistant({
      knowledge,
      dialogue: await loadAssistantDialogue(config.knowledge.dir),
    });
    const leads = createLeadService({ db });
    const chat = createChatService({ db, assistant, leads, metrics });
    scheduler = createScheduler(db, logger, [
      { name: 'chat-message-partitions', everySeconds: 24 * 3600, run: () => chat.ensurePartitions(3) },
    ]);
    app = await buildApp({
      config,
      logger,
      metrics,
      routes: [
        staffAuthPlugin({ auth, audit, isProduction: config.isProduction }),
        opsRoutes({ health, metrics, metricsToken: config.secrets.metricsToken }),
        authRoutes({ auth }),
        auditRoutes({ audit }),
        chatRoutes({ chat, messageMaxChars: config.chat.messageMaxChars }),
        widgetRoutes({
          settings: loadWidgetSettings(config.knowledge.dir),
          webDir: path.join(config.rootDir, 'dist', 'web'),
        }),
      ],
    });
    if (options.listen !== false) await app.listen({ host: config.http.host, port: config.http.port });
    else await app.ready();
    scheduler.start();
  } catch (err) {
    await closeDependencies();
    throw err;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    db,
    cache,
    logger,
    config,
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
        const timeout = new Promise<'timeout'>((resolve) =>
          setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs).unref(),
        );
        const result = await Promise.race([app.close().then(() => 'closed' as const), timeout]);
        if (result === 'timeout') {
          logger.warn(
            { timeoutMs: config.shutdownTimeoutMs },
            'in-flight requests did not finish in time; closing',
          );
          app.server.closeAllConnections();
        }
        await closeDependencies();
      })();
      return closing;
    },
  };
}
