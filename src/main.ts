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
import { createConfiguredAssistant } from './modules/assistant/service.js';
import { createLlmFailureLog, type LlmFailureLog } from './modules/assistant/llm/failure-log.js';
import { chatRoutes } from './modules/chat/routes.js';
import { createChatService } from './modules/chat/service.js';
import { createKnowledgeService, type KnowledgeService } from './modules/knowledge/service.js';
import { createLeadService } from './modules/leads/service.js';
import { loadFollowupSteps } from './modules/leads/followups.js';
import { leadRoutes } from './modules/leads/routes.js';
import { integrationRoutes } from './modules/integrations/routes.js';
import { createIntegrationService, type IntegrationService } from './modules/integrations/service.js';
import { createJobQueue, type JobQueue } from './platform/jobs/queue.js';
import { createHealthService } from './modules/ops/health-service.js';
import { opsRoutes } from './modules/ops/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { abuseRoutes } from './modules/abuse/routes.js';
import { createAbuseService, type AbuseService } from './modules/abuse/service.js';
import { createAuditService } from './modules/audit/service.js';
import { staffAuthPlugin } from './modules/auth/guard.js';
import { authRoutes } from './modules/auth/routes.js';
import { createAuthService } from './modules/auth/service.js';
import { createScheduler, type Scheduler } from './platform/scheduler.js';
import { widgetRoutes } from './modules/widget/routes.js';
import { loadWidgetSettings } from './modules/widget/settings.js';
import { createFileStorage } from './platform/storage/index.js';
import { uploadRoutes } from './modules/uploads/routes.js';
import { createUploadService } from './modules/uploads/service.js';
import { createConversationControl } from './modules/chat/live.js';
import { handoffRoutes } from './modules/handoff/routes.js';
import { createHandoffService } from './modules/handoff/service.js';
import { loadLiveTexts } from './modules/handoff/texts.js';
import { liveRoutes } from './modules/live/routes.js';
import { createLiveService, type LiveService } from './modules/live/service.js';
import { createConsentRecorder } from './modules/privacy/consent.js';
import { createConsentTrail } from './modules/privacy/consent-trail.js';
import { privacyRoutes } from './modules/privacy/routes.js';
import { createPrivacyService } from './modules/privacy/service.js';
import { withConsentNotice } from './modules/privacy/widget-notice.js';
import { adminPanelRoutes } from './modules/admin-panel/routes.js';
import { analyticsRoutes } from './modules/analytics/routes.js';
import { createAnalyticsService } from './modules/analytics/service.js';
import { knowledgeAdminRoutes } from './modules/knowledge-admin/routes.js';
import { backupRoutes } from './modules/backups/routes.js';
import { createBackupService, packageVersion, type BackupService } from './modules/backups/service.js';
import { createKnowledgeAdminService } from './modules/knowledge-admin/service.js';

export interface Runtime {
  app: App;
  db: Database;
  cache: Cache;
  logger: Logger;
  config: Config;
  /** Runs every due scheduled task now (what each scheduler tick does); returns the names that ran. */
  runScheduledTasks(): Promise<string[]>;
  /** Writes what background writers still hold in memory (the batched live events) now. */
  flushBackgroundWrites(): Promise<void>;
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
  let abuse: AbuseService | undefined;
  let jobs: JobQueue | undefined;
  let integrations: IntegrationService | undefined;
  let live: LiveService | undefined;
  let backups: BackupService | undefined;
  let llmFailures: LlmFailureLog | undefined;
  const closeDependencies = async () => {
    await scheduler?.stop();
    await backups?.stop();
    await jobs?.stop(config.shutdownTimeoutMs);
    integrations?.close();
    await llmFailures?.flush();
    await live?.stop();
    abuse?.stop();
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
    llmFailures = createLlmFailureLog({ db, logger, events: () => live });
    const assistant = await createConfiguredAssistant({
      config,
      knowledge,
      metrics,
      logger,
      onLlmFailure: llmFailures.record,
    });
    jobs = createJobQueue({
      db,
      logger,
      metrics,
      settings: {
        workerEnabled: config.jobs.workerEnabled,
        maxAttempts: config.jobs.maxAttempts,
        retryDelaySeconds: config.jobs.retryDelaySeconds,
        visibilityTimeoutSeconds: config.jobs.visibilityTimeoutSeconds,
        pollIntervalMs: config.jobs.pollMs,
        concurrency: config.jobs.concurrency,
        retentionDays: config.jobs.retentionDays,
      },
    });
    const knowledgeReader = knowledge;
    const leads = createLeadService({
      db,
      queue: jobs,
      logger,
      policy: { hotLeadMinScore: config.integrations.hotLeadMinScore },
      inServiceArea: (city) =>
        knowledgeReader
          .snapshot()
          .business.serviceArea.some(
            (c) => c.toLocaleLowerCase('pl') === city.trim().toLocaleLowerCase('pl'),
          ),
      estimateMaxPln: (packageId, areaM2) => {
        const pkg = knowledgeReader.findPackage(packageId);
        return pkg ? pkg.pricePerM2.max * areaM2 : undefined;
      },
      followupSteps: config.integrations.followupsEnabled ? loadFollowupSteps(config.knowledge.dir) : [],
      onConsentChange: createConsentRecorder({ secret: config.secrets.session }).record,
    });
    integrations = createIntegrationService({
      settings: config.integrations,
      queue: jobs,
      leads,
      knowledge,
      knowledgeDir: config.knowledge.dir,
      publicUrl: config.http.publicUrl,
      metrics,
      logger,
    });
    const fileStorage = createFileStorage(config.uploads, metrics, logger);
    const backupService = createBackupService({
      db,
      storage: fileStorage,
      logger,
      metrics,
      settings: config.backups,
      migrationsDir: migrationsDir(config),
      appVersion: packageVersion(config.rootDir),
    });
    backups = backupService;
    const mailer = integrations;
    const privacy = createPrivacyService({
      db,
      flushPendingWrites: () => live?.flush() ?? Promise.resolve(),
      queue: jobs,
      sendMail: (mail) => mailer.sendMail(mail),
      leads,
      audit,
      storage: fileStorage,
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
      business: () => knowledgeReader.snapshot().business,
      // The chat service is created below; erasure and retention run only once the app serves.
      forgetSessions: (ids) => chat.forgetSessions(ids),
      onErased: (erasure) => backupService.recordErasure(erasure),
    });
    integrations.setUnsubscribeLinkBuilder((recipient) => privacy.unsubscribeLinks(recipient));
    await jobs.start();
    abuse = createAbuseService({
      db,
      cache,
      logger,
      metrics,
      settings: {
        enabled: config.rateLimit.enabled,
        ...config.abuse,
        chatMinIntervalMs: config.chat.minIntervalMs,
      },
    });
    await abuse.start();
    live = createLiveService({
      db,
      logger,
      metrics,
      settings: {
        pollMs: config.live.pollMs,
        eventRetentionHours: config.live.eventRetentionHours,
        ticketTtlSeconds: config.live.wsTicketTtlSeconds,
      },
      databaseUrl: config.database.url,
      redis: config.redis,
    });
    await live.start();
    const knowledgeForHandoff = knowledge;
    const handoffs = createHandoffService({
      db,
      live,
      control: createConversationControl(db),
      leads,
      business: () => knowledgeForHandoff.snapshot().business,
      texts: loadLiveTexts(config.knowledge.dir),
      settings: {
        nudgeAfterMinutes: config.live.nudgeAfterMinutes,
        timeoutAfterMinutes: config.live.timeoutAfterMinutes,
      },
      logger,
    });
    const chat = createChatService({ db, assistant, leads, metrics, guard: abuse, live: handoffs.hooks });
    const uploads = createUploadService({
      db,
      storage: fileStorage,
      chat,
      leads,
      metrics,
      logger,
      settings: { maxBytes: config.uploads.maxBytes, maxPerSession: config.uploads.maxPerSession },
    });
    scheduler = createScheduler(db, logger, [
      { name: 'chat-message-partitions', everySeconds: 24 * 3600, run: () => chat.ensurePartitions(3) },
      { name: 'blocklist-purge', everySeconds: 3600, run: abuse.purgeExpired },
      { name: 'lead-followups', everySeconds: 300, run: () => leads.queueDueFollowups() },
      { name: 'session-lifecycle', everySeconds: config.live.sweepSeconds, run: () => handoffs.sweepIdle() },
      { name: 'live-events-purge', everySeconds: 3600, run: () => live?.purge() ?? Promise.resolve() },
      { name: 'privacy-retention', everySeconds: 24 * 3600, run: () => privacy.runRetention() },
      ...(config.backups.enabled
        ? [{ name: 'backup-daily', everySeconds: 900, run: () => backupService.runScheduled() }]
        : []),
    ]);
    app = await buildApp({
      config,
      logger,
      metrics,
      cache,
      abuse,
      routes: [
        staffAuthPlugin({ auth, audit, isProduction: config.isProduction }),
        opsRoutes({ health, metrics, metricsToken: config.secrets.metricsToken }),
        authRoutes({ auth }),
        auditRoutes({ audit }),
        abuseRoutes({ abuse }),
        chatRoutes({
          // Only an LLM can fail: without one, turns need no failure bookkeeping.
          chat: config.llm.primary || config.llm.secondary ? llmFailures.observeTurns(chat) : chat,
          messageMaxChars: config.chat.messageMaxChars,
        }),
        uploadRoutes({ uploads }),
        handoffRoutes({ handoffs, messageMaxChars: config.chat.messageMaxChars }),
        liveRoutes({
          live,
          verifyWidgetSession: (sessionId, secret) =>
            chat.verifySession(sessionId, secret).then(
              () => true,
              () => false,
            ),
        }),
        leadRoutes({ leads }),
        integrationRoutes({ integrations }),
        privacyRoutes({
          privacy,
          consentTrail: createConsentTrail({ db, secret: config.secrets.session }),
          linkTtlHours: config.privacy.linkTtlHours,
        }),
        widgetRoutes({
          settings: withConsentNotice(loadWidgetSettings(config.knowledge.dir), privacy.consentNotice),
          privacyPage: privacy.policyPage,
          webDir: path.join(config.rootDir, 'dist', 'web'),
        }),
        analyticsRoutes({
          analytics: createAnalyticsService({
            db,
            timezone: () => knowledgeReader.snapshot().business.timezone,
          }),
        }),
        knowledgeAdminRoutes({
          knowledgeAdmin: createKnowledgeAdminService({ dir: config.knowledge.dir, knowledge, db, logger }),
        }),
        backupRoutes({ backups: backupService }),
        adminPanelRoutes({ dir: path.join(config.rootDir, 'dist', 'web', 'admin') }),
      ],
    });
    if (options.listen !== false) await app.listen({ host: config.http.host, port: config.http.port });
    else await app.ready();
    scheduler.start(Math.min(30_000, config.live.sweepSeconds * 1000));
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
    runScheduledTasks: () => scheduler?.tick() ?? Promise.resolve([]),
    flushBackgroundWrites: async () => {
      await llmFailures?.flush();
      await live?.flush();
    },
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
