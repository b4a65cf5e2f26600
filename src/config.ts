/**
 * The one typed configuration object. Every setting comes from the environment, is validated here at
 * start-up, and is documented in .env.example. Nothing else in Frontdesk reads process.env.
 */
import path from 'node:path';
import { z } from 'zod';
import { BACKUP_KEEP_DEFAULTS } from './modules/backups/rotation.js';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: 'must be true or false',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      try {
        const url = new URL(v);
        if (!protocols.includes(url.protocol)) throw new Error('protocol');
        return v;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a URL starting with ${protocols.join(' or ')}//` });
        return z.NEVER;
      }
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** A comma list of web origins (`https://www.example.pl`); `*` only where allowWildcard. */
const originList = (allowWildcard: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const item of (v ?? '').split(',').map((s) => s.trim())) {
        if (item === '') continue;
        if (item === '*' && allowWildcard) {
          origins.push('*');
          continue;
        }
        let url: URL | undefined;
        try {
          url = new URL(item);
        } catch {
          url = undefined;
        }
        if (
          !url ||
          !['http:', 'https:'].includes(url.protocol) ||
          url.pathname !== '/' ||
          url.search !== '' ||
          url.hash !== '' ||
          url.username !== '' ||
          item.replace(/\/$/, '') !== url.origin
        ) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma list of origins like https://www.example.pl${allowWildcard ? ' (or *)' : ''}; "${item.slice(0, 60)}" is not one`,
          });
          return z.NEVER;
        }
        if (!origins.includes(url.origin)) origins.push(url.origin);
      }
      return origins;
    });

const llmProvider = z
  .enum(['none', 'openai-compatible', 'anthropic'], { error: 'must be none, openai-compatible or anthropic' })
  .default('none');

/** Values that appear in documentation and must never be accepted as real secrets in production. */
export const PLACEHOLDER_SECRETS = ['change-me', 'changeme', 'secret', 'password', 'dev-secret', 'example'];

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
    .default('development'),
  SERVICE_NAME: z.string().min(1).default('frontdesk'),
  HOST: optionalString,
  PORT: int(3000, 0, 65535),
  SERVE_PROCESSES: int(1, 1, 64),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  TRUST_PROXY: bool(false),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_PRETTY: z.enum(['auto', 'true', 'false'], { error: 'must be auto, true or false' }).default('auto'),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_MAX: int(10, 2, 500),
  DATABASE_STATEMENT_TIMEOUT_MS: int(15_000, 100, 600_000),
  MIGRATE_ON_START: bool(true),
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  REDIS_KEY_PREFIX: z.string().default('frontdesk:'),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 300_000),
  BODY_LIMIT_BYTES: int(65_536, 1_024, 10_485_760),
  JSON_MAX_KEYS: int(20, 1, 1_000),
  JSON_MAX_DEPTH: int(5, 1, 64),
  SESSION_SECRET: optionalString,
  METRICS_TOKEN: optionalString,
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  KNOWLEDGE_WATCH: bool(true),
  CHAT_MESSAGE_MAX_CHARS: int(4000, 1, 100_000),
  CHAT_MIN_INTERVAL_MS: int(700, 0, 60_000),
  RATE_LIMIT_ENABLED: bool(true),
  RATE_LIMIT_GLOBAL_PER_MINUTE: int(600, 0, 1_000_000),
  RATE_LIMIT_CHAT_PER_MINUTE: int(30, 0, 1_000_000),
  RATE_LIMIT_CHAT_SESSION_PER_MINUTE: int(20, 0, 1_000_000),
  RATE_LIMIT_LEADS_PER_MINUTE: int(5, 0, 1_000_000),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(10, 0, 1_000_000),
  RATE_LIMIT_UPLOADS_PER_MINUTE: int(10, 0, 1_000_000),
  RATE_LIMIT_ADMIN_PER_MINUTE: int(300, 0, 1_000_000),
  RATE_LIMIT_PRIVACY_PER_MINUTE: int(10, 0, 1_000_000),
  BLOCK_AFTER_VIOLATIONS: int(10, 1, 100_000),
  BLOCK_WINDOW_MINUTES: int(10, 1, 1_440),
  BLOCK_DURATION_MINUTES: int(60, 1, 525_600),
  CORS_ORIGINS: originList(true),
  WIDGET_ALLOWED_ORIGINS: originList(false),
  AUTH_SESSION_TTL_SECONDS: int(43_200, 1, 2_592_000),
  AUTH_SESSION_IDLE_SECONDS: int(3_600, 1, 2_592_000),
  AUTH_SESSION_ROTATE_SECONDS: int(900, 1, 86_400),
  AUTH_LOGIN_MAX_FAILURES: int(5, 1, 1_000),
  AUTH_LOGIN_MAX_FAILURES_PER_IP: int(20, 1, 100_000),
  AUTH_LOGIN_LOCK_SECONDS: int(900, 1, 86_400),
  AUTH_LOGIN_DELAY_MS: int(250, 0, 60_000),
  AUTH_LOGIN_DELAY_MAX_MS: int(4_000, 0, 60_000),
  UPLOAD_STORAGE: z.enum(['local', 's3'], { error: 'must be local or s3' }).default('local'),
  UPLOAD_DIR: optionalString,
  UPLOAD_MAX_BYTES: int(5_242_880, 1_024, 104_857_600),
  UPLOAD_MAX_PER_SESSION: int(10, 1, 1_000),
  S3_ENDPOINT: optionalUrl(['http:', 'https:']),
  S3_BUCKET: optionalString,
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  WORKER_ENABLED: bool(true),
  WORKER_CONCURRENCY: int(4, 1, 64),
  WORKER_POLL_MS: int(1_000, 50, 60_000),
  OUTBOX_MAX_ATTEMPTS: int(12, 1, 100),
  OUTBOX_RETRY_DELAY_SECONDS: int(30, 1, 86_400),
  OUTBOX_VISIBILITY_TIMEOUT_SECONDS: int(300, 2, 86_400),
  OUTBOX_RETENTION_DAYS: int(90, 1, 3_650),
  INTEGRATION_TIMEOUT_MS: int(10_000, 100, 300_000),
  INTEGRATION_RETRIES: int(2, 0, 10),
  INTEGRATION_BREAKER_FAILURES: int(5, 1, 1_000),
  INTEGRATION_BREAKER_HALF_OPEN_MS: int(30_000, 100, 3_600_000),
  MONDAY_API_URL: optionalUrl(['http:', 'https:']),
  MONDAY_API_TOKEN: optionalString,
  MONDAY_BOARD_ID: optionalString,
  MONDAY_COLUMN_MAP: optionalString,
  WEBHOOK_URL: optionalUrl(['http:', 'https:']),
  WEBHOOK_SECRET: optionalString,
  SLACK_WEBHOOK_URL: optionalUrl(['http:', 'https:']),
  SLACK_HOT_LEAD_MIN_SCORE: int(60, 0, 100),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  MAIL_FROM: optionalString,
  STAFF_NOTIFY_EMAIL: optionalString,
  BOOKING_API_URL: optionalUrl(['http:', 'https:']),
  BOOKING_API_KEY: optionalString,
  BOOKING_EVENT_TYPE_ID: optionalString,
  FOLLOWUPS_ENABLED: bool(true),
  INACTIVITY_MINUTES_BEFORE_NUDGE: int(15, 1, 1_440),
  INACTIVITY_MINUTES_BEFORE_TIMEOUT: int(30, 1, 10_080),
  SESSION_SWEEP_SECONDS: int(60, 1, 3_600),
  LIVE_POLL_MS: int(2_000, 100, 60_000),
  LIVE_EVENT_RETENTION_HOURS: int(48, 1, 8_760),
  WS_TICKET_TTL_SECONDS: int(30, 5, 60),
  LLM_PROVIDER: llmProvider,
  LLM_BASE_URL: optionalUrl(['http:', 'https:']),
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_SECONDARY_PROVIDER: llmProvider,
  LLM_SECONDARY_BASE_URL: optionalUrl(['http:', 'https:']),
  LLM_SECONDARY_MODEL: optionalString,
  LLM_SECONDARY_API_KEY: optionalString,
  LLM_TIMEOUT_MS: int(30_000, 200, 600_000),
  LLM_FIRST_TOKEN_TIMEOUT_MS: int(10_000, 100, 600_000),
  LLM_MAX_TOOL_STEPS: int(4, 1, 20),
  LLM_MAX_OUTPUT_TOKENS: int(800, 16, 64_000),
  LLM_CONTEXT_TOKENS: int(6_000, 500, 2_000_000),
  LLM_RETRIES: int(1, 0, 5),
  LLM_BREAKER_FAILURES: int(5, 1, 1_000),
  LLM_BREAKER_HALF_OPEN_MS: int(30_000, 100, 3_600_000),
  LLM_PRICES: optionalString,
  REDTEAM_CANARY: optionalString,
  RETENTION_CONVERSATION_MONTHS: int(12, 1, 120),
  RETENTION_LEAD_MONTHS: int(24, 1, 120),
  RETENTION_LEAD_ACTION: z
    .enum(['anonymize', 'delete'], { error: 'must be anonymize or delete' })
    .default('anonymize'),
  RETENTION_GRACE_DAYS: int(30, 0, 3_650),
  PRIVACY_CONTACT_EMAIL: optionalString,
  PRIVACY_LINK_TTL_HOURS: int(24, 1, 720),
  BACKUP_ENABLED: bool(true),
  BACKUP_DIR: optionalString,
  BACKUP_HOUR_UTC: int(2, 0, 23),
  BACKUP_KEEP_DAILY: int(BACKUP_KEEP_DEFAULTS.daily, 1, 366),
  BACKUP_KEEP_WEEKLY: int(BACKUP_KEEP_DEFAULTS.weekly, 0, 520),
  BACKUP_KEEP_MONTHLY: int(BACKUP_KEEP_DEFAULTS.monthly, 0, 240),
  BACKUP_ENCRYPTION_KEY: optionalString,
});

export type Env = z.input<typeof envSchema>;

/** Every environment variable Frontdesk reads. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  serviceName: string;
  http: {
    host: string;
    port: number;
    publicUrl: string;
    trustProxy: boolean;
    bodyLimitBytes: number;
    jsonMaxKeys: number;
    jsonMaxDepth: number;
    /** Worker processes sharing the port on this machine (PostgreSQL server only). */
    processes: number;
  };
  log: { level: string; pretty: boolean };
  database: {
    url: string | undefined;
    dataDir: string;
    poolMax: number;
    statementTimeoutMs: number;
    migrateOnStart: boolean;
  };
  redis: { url: string | undefined; keyPrefix: string };
  shutdownTimeoutMs: number;
  secrets: { session: string; metricsToken: string | undefined };
  knowledge: { dir: string; watch: boolean };
  chat: { messageMaxChars: number; minIntervalMs: number };
  /** Requests per minute for each rate-limit rule (0 turns a rule off); see src/http/rate-limit.ts. */
  rateLimit: {
    enabled: boolean;
    globalPerMinute: number;
    chatPerMinute: number;
    chatPerSessionPerMinute: number;
    leadsPerMinute: number;
    loginPerMinute: number;
    uploadsPerMinute: number;
    adminPerMinute: number;
    privacyPerMinute: number;
  };
  /** Automatic blocks: this many violations within the window block the client for the duration. */
  abuse: { blockAfterViolations: number; violationWindowMinutes: number; blockDurationMinutes: number };
  cors: {
    /** Origins allowed on the public API (`*`: any, refused in production). */
    origins: string[];
    /** Sites that embed the widget: allowed on the public API and to frame the demo page. */
    widgetOrigins: string[];
  };
  auth: {
    /** Absolute lifetime of a staff session. */
    sessionTtlSeconds: number;
    /** A session unused for this long ends. */
    sessionIdleSeconds: number;
    /** A session in use gets a new id this often. */
    sessionRotateSeconds: number;
    loginMaxFailures: number;
    loginMaxFailuresPerIp: number;
    loginLockSeconds: number;
    loginDelayMs: number;
    loginDelayMaxMs: number;
  };
  uploads: {
    storage: 'local' | 's3';
    /** Where local uploads are kept (absolute; outside every served directory). */
    dir: string;
    maxBytes: number;
    maxPerSession: number;
    s3:
      | { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string }
      | undefined;
  };
  /** The job worker and the outbox of outward effects (docs/integrations.md). */
  jobs: {
    workerEnabled: boolean;
    concurrency: number;
    pollMs: number;
    maxAttempts: number;
    retryDelaySeconds: number;
    visibilityTimeoutSeconds: number;
    retentionDays: number;
  };
  /** Outside providers; each one is disabled (its effects skipped) while its settings are absent. */
  integrations: {
    timeoutMs: number;
    retries: number;
    breakerFailures: number;
    breakerHalfOpenMs: number;
    monday: { apiUrl: string; token: string; boardId: string; columnMap: Record<string, string> } | undefined;
    webhook: { url: string; secret: string } | undefined;
    slack: { webhookUrl: string; hotLeadMinScore: number } | undefined;
    hotLeadMinScore: number;
    mail: { smtpUrl: string; from: string; staffTo: string | undefined } | undefined;
    booking: { apiUrl: string; apiKey: string; eventTypeId: string } | undefined;
    followupsEnabled: boolean;
  };
  /** The LLM engine of the assistant (docs/assistant.md); without a primary model the offline engine answers. */
  llm: LlmSettings;
  /** A marker planted in the assistant's instructions; it must never reach a customer (docs/assistant.md). */
  redteamCanary: string | undefined;
  /** Live conversations: inactivity nudges and timeouts, WebSocket events, operator handoff. */
  live: {
    nudgeAfterMinutes: number;
    timeoutAfterMinutes: number;
    sweepSeconds: number;
    pollMs: number;
    eventRetentionHours: number;
    wsTicketTtlSeconds: number;
  };
  /** Retention periods, the privacy contact and data subject requests (docs/privacy.md). */
  privacy: {
    conversationMonths: number;
    leadMonths: number;
    leadAction: 'anonymize' | 'delete';
    graceDays: number;
    contactEmail: string | undefined;
    linkTtlHours: number;
  };
  /** Backups, their schedule, rotation and encryption (docs/backups.md). */
  backups: {
    enabled: boolean;
    /** Absolute directory of the backup files (outside every served directory). */
    dir: string;
    /** The daily backup is made from this hour (UTC) on. */
    hourUtc: number;
    keep: { daily: number; weekly: number; monthly: number };
    encryptionKey: string | undefined;
  };
  /** Absolute path of the project root (where package.json, knowledge/, migrations/ live). */
  rootDir: string;
}

/** One LLM endpoint: an OpenAI-compatible server (OpenAI, Ollama, vLLM, …) or Anthropic. */
export interface LlmModelSettings {
  provider: 'openai-compatible' | 'anthropic';
  /** Empty for Anthropic's own API. */
  baseUrl: string | undefined;
  model: string;
  apiKey: string | undefined;
}

/** USD per 1 million tokens, by model name. */
export type LlmPrices = Record<string, { input: number; output: number }>;

export interface LlmSettings {
  primary: LlmModelSettings | undefined;
  secondary: LlmModelSettings | undefined;
  /** The whole reply, tool steps included. */
  timeoutMs: number;
  firstTokenTimeoutMs: number;
  maxToolSteps: number;
  maxOutputTokens: number;
  /** Token budget of the prompt (estimated as characters / 4). */
  contextTokens: number;
  retries: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
  prices: LlmPrices;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEVELOPMENT_SESSION_SECRET = 'frontdesk-development-only-session-secret-not-for-production';

function isWeakSecret(value: string | undefined): boolean {
  if (!value) return true;
  const lower = value.toLowerCase();
  return (
    value.length < 32 ||
    PLACEHOLDER_SECRETS.some((p) => lower.includes(p)) ||
    value === DEVELOPMENT_SESSION_SECRET
  );
}

/**
 * Builds the configuration from an environment (process.env by default). Throws ConfigError listing
 * every bad variable at once.
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  rootDir: string = process.cwd(),
): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(environment)');
      const raw = source[key];
      const shown =
        raw === undefined ? '' : ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)})`;
      return `${key}: ${issue.message}${isSecretName(key) ? '' : shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction) {
    if (isWeakSecret(e.SESSION_SECRET)) {
      problems.push(
        'SESSION_SECRET: required in production: at least 32 random characters, not a placeholder',
      );
    }
    if (isWeakSecret(e.METRICS_TOKEN)) {
      problems.push(
        'METRICS_TOKEN: required in production: at least 32 random characters, not a placeholder',
      );
    }
    if (e.CORS_ORIGINS.includes('*')) {
      problems.push('CORS_ORIGINS: * is not allowed in production: list the origins that may call the API');
    }
  }
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.resolve(rootDir, p));
  const uploadDir = resolve(e.UPLOAD_DIR ?? path.join(e.DATA_DIR, 'uploads'));
  for (const served of [path.join(rootDir, 'dist'), path.join(rootDir, 'web'), resolve(e.KNOWLEDGE_DIR)]) {
    const rel = path.relative(served, uploadDir);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
      problems.push(`UPLOAD_DIR: must be outside the served directory ${served}`);
    }
  }
  if (e.SERVE_PROCESSES > 1 && !e.DATABASE_URL) {
    problems.push(
      'SERVE_PROCESSES: more than one process needs DATABASE_URL (the embedded database is single-process)',
    );
  }
  if (e.UPLOAD_STORAGE === 's3') {
    for (const key of ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!e[key]) problems.push(`${key}: required when UPLOAD_STORAGE=s3`);
    }
  }
  problems.push(...integrationProblems(e));
  problems.push(...llmProblems(e));
  const backupDir = resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR, 'backups'));
  for (const served of [path.join(rootDir, 'dist'), path.join(rootDir, 'web'), resolve(e.KNOWLEDGE_DIR)]) {
    const rel = path.relative(served, backupDir);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
      problems.push(`BACKUP_DIR: must be outside the served directory ${served}`);
    }
  }
  if (e.BACKUP_ENCRYPTION_KEY !== undefined && e.BACKUP_ENCRYPTION_KEY.length < 32) {
    problems.push('BACKUP_ENCRYPTION_KEY: must have at least 32 characters (a long random value)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const host = e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1');
  return {
    env: e.NODE_ENV,
    isProduction,
    serviceName: e.SERVICE_NAME,
    http: {
      host,
      port: e.PORT,
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      trustProxy: e.TRUST_PROXY,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      jsonMaxKeys: e.JSON_MAX_KEYS,
      jsonMaxDepth: e.JSON_MAX_DEPTH,
      processes: e.SERVE_PROCESSES,
    },
    log: {
      level: e.LOG_LEVEL,
      pretty:
        e.LOG_PRETTY === 'auto' ? !isProduction && Boolean(process.stdout.isTTY) : e.LOG_PRETTY === 'true',
    },
    database: {
      url: e.DATABASE_URL,
      dataDir: resolve(e.DATA_DIR),
      poolMax: e.DATABASE_POOL_MAX,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      migrateOnStart: e.MIGRATE_ON_START,
    },
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    secrets: { session: e.SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET, metricsToken: e.METRICS_TOKEN },
    knowledge: { dir: resolve(e.KNOWLEDGE_DIR), watch: e.KNOWLEDGE_WATCH },
    chat: { messageMaxChars: e.CHAT_MESSAGE_MAX_CHARS, minIntervalMs: e.CHAT_MIN_INTERVAL_MS },
    rateLimit: {
      enabled: e.RATE_LIMIT_ENABLED,
      globalPerMinute: e.RATE_LIMIT_GLOBAL_PER_MINUTE,
      chatPerMinute: e.RATE_LIMIT_CHAT_PER_MINUTE,
      chatPerSessionPerMinute: e.RATE_LIMIT_CHAT_SESSION_PER_MINUTE,
      leadsPerMinute: e.RATE_LIMIT_LEADS_PER_MINUTE,
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      uploadsPerMinute: e.RATE_LIMIT_UPLOADS_PER_MINUTE,
      adminPerMinute: e.RATE_LIMIT_ADMIN_PER_MINUTE,
      privacyPerMinute: e.RATE_LIMIT_PRIVACY_PER_MINUTE,
    },
    abuse: {
      blockAfterViolations: e.BLOCK_AFTER_VIOLATIONS,
      violationWindowMinutes: e.BLOCK_WINDOW_MINUTES,
      blockDurationMinutes: e.BLOCK_DURATION_MINUTES,
    },
    cors: { origins: e.CORS_ORIGINS, widgetOrigins: e.WIDGET_ALLOWED_ORIGINS },
    auth: {
      sessionTtlSeconds: e.AUTH_SESSION_TTL_SECONDS,
      sessionIdleSeconds: e.AUTH_SESSION_IDLE_SECONDS,
      sessionRotateSeconds: e.AUTH_SESSION_ROTATE_SECONDS,
      loginMaxFailures: e.AUTH_LOGIN_MAX_FAILURES,
      loginMaxFailuresPerIp: e.AUTH_LOGIN_MAX_FAILURES_PER_IP,
      loginLockSeconds: e.AUTH_LOGIN_LOCK_SECONDS,
      loginDelayMs: e.AUTH_LOGIN_DELAY_MS,
      loginDelayMaxMs: e.AUTH_LOGIN_DELAY_MAX_MS,
    },
    uploads: {
      storage: e.UPLOAD_STORAGE,
      dir: uploadDir,
      maxBytes: e.UPLOAD_MAX_BYTES,
      maxPerSession: e.UPLOAD_MAX_PER_SESSION,
      s3:
        e.S3_ENDPOINT && e.S3_BUCKET && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
          ? {
              endpoint: e.S3_ENDPOINT,
              bucket: e.S3_BUCKET,
              region: e.S3_REGION,
              accessKeyId: e.S3_ACCESS_KEY_ID,
              secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            }
          : undefined,
    },
    jobs: {
      workerEnabled: e.WORKER_ENABLED,
      concurrency: e.WORKER_CONCURRENCY,
      pollMs: e.WORKER_POLL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryDelaySeconds: e.OUTBOX_RETRY_DELAY_SECONDS,
      visibilityTimeoutSeconds: e.OUTBOX_VISIBILITY_TIMEOUT_SECONDS,
      retentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    integrations: {
      timeoutMs: e.INTEGRATION_TIMEOUT_MS,
      retries: e.INTEGRATION_RETRIES,
      breakerFailures: e.INTEGRATION_BREAKER_FAILURES,
      breakerHalfOpenMs: e.INTEGRATION_BREAKER_HALF_OPEN_MS,
      monday:
        e.MONDAY_API_TOKEN && e.MONDAY_BOARD_ID
          ? {
              apiUrl: e.MONDAY_API_URL ?? 'https://api.monday.com/v2',
              token: e.MONDAY_API_TOKEN,
              boardId: e.MONDAY_BOARD_ID,
              columnMap: parseColumnMap(e.MONDAY_COLUMN_MAP) ?? {},
            }
          : undefined,
      webhook:
        e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : undefined,
      slack: e.SLACK_WEBHOOK_URL
        ? { webhookUrl: e.SLACK_WEBHOOK_URL, hotLeadMinScore: e.SLACK_HOT_LEAD_MIN_SCORE }
        : undefined,
      hotLeadMinScore: e.SLACK_HOT_LEAD_MIN_SCORE,
      mail:
        e.SMTP_URL && e.MAIL_FROM
          ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, staffTo: e.STAFF_NOTIFY_EMAIL }
          : undefined,
      booking:
        e.BOOKING_API_URL && e.BOOKING_API_KEY && e.BOOKING_EVENT_TYPE_ID
          ? { apiUrl: e.BOOKING_API_URL, apiKey: e.BOOKING_API_KEY, eventTypeId: e.BOOKING_EVENT_TYPE_ID }
          : undefined,
      followupsEnabled: e.FOLLOWUPS_ENABLED,
    },
    llm: {
      primary: llmModel(e.LLM_PROVIDER, e.LLM_BASE_URL, e.LLM_MODEL, e.LLM_API_KEY),
      secondary:
        e.LLM_PROVIDER === 'none'
          ? undefined
          : llmModel(
              e.LLM_SECONDARY_PROVIDER,
              e.LLM_SECONDARY_BASE_URL,
              e.LLM_SECONDARY_MODEL,
              e.LLM_SECONDARY_API_KEY,
            ),
      timeoutMs: e.LLM_TIMEOUT_MS,
      firstTokenTimeoutMs: e.LLM_FIRST_TOKEN_TIMEOUT_MS,
      maxToolSteps: e.LLM_MAX_TOOL_STEPS,
      maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      contextTokens: e.LLM_CONTEXT_TOKENS,
      retries: e.LLM_RETRIES,
      breakerFailures: e.LLM_BREAKER_FAILURES,
      breakerHalfOpenMs: e.LLM_BREAKER_HALF_OPEN_MS,
      prices: parseLlmPrices(e.LLM_PRICES) ?? {},
    },
    redteamCanary: e.REDTEAM_CANARY,
    live: {
      nudgeAfterMinutes: e.INACTIVITY_MINUTES_BEFORE_NUDGE,
      timeoutAfterMinutes: e.INACTIVITY_MINUTES_BEFORE_TIMEOUT,
      sweepSeconds: e.SESSION_SWEEP_SECONDS,
      pollMs: e.LIVE_POLL_MS,
      eventRetentionHours: e.LIVE_EVENT_RETENTION_HOURS,
      wsTicketTtlSeconds: e.WS_TICKET_TTL_SECONDS,
    },
    privacy: {
      conversationMonths: e.RETENTION_CONVERSATION_MONTHS,
      leadMonths: e.RETENTION_LEAD_MONTHS,
      leadAction: e.RETENTION_LEAD_ACTION,
      graceDays: e.RETENTION_GRACE_DAYS,
      contactEmail: e.PRIVACY_CONTACT_EMAIL,
      linkTtlHours: e.PRIVACY_LINK_TTL_HOURS,
    },
    backups: {
      enabled: e.BACKUP_ENABLED,
      dir: backupDir,
      hourUtc: e.BACKUP_HOUR_UTC,
      keep: { daily: e.BACKUP_KEEP_DAILY, weekly: e.BACKUP_KEEP_WEEKLY, monthly: e.BACKUP_KEEP_MONTHLY },
      encryptionKey: e.BACKUP_ENCRYPTION_KEY,
    },
    rootDir,
  };
}

function llmModel(
  provider: 'none' | 'openai-compatible' | 'anthropic',
  baseUrl: string | undefined,
  model: string | undefined,
  apiKey: string | undefined,
): LlmModelSettings | undefined {
  if (provider === 'none' || !model) return undefined;
  return { provider, baseUrl: baseUrl?.replace(/\/+$/, ''), model, apiKey };
}

/** LLM_PRICES: a JSON object of model → {input, output} in USD per 1M tokens. */
export function parseLlmPrices(raw: string | undefined): LlmPrices | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const out: LlmPrices = {};
    for (const [model, price] of Object.entries(value as Record<string, unknown>)) {
      const p = price as { input?: unknown; output?: unknown } | null;
      if (!p || typeof p.input !== 'number' || typeof p.output !== 'number' || p.input < 0 || p.output < 0) {
        return undefined;
      }
      out[model] = { input: p.input, output: p.output };
    }
    return out;
  } catch {
    return undefined;
  }
}

/** LLM settings that only make sense together. */
function llmProblems(e: z.output<typeof envSchema>): string[] {
  const problems: string[] = [];
  const check = (
    prefix: 'LLM' | 'LLM_SECONDARY',
    provider: string,
    baseUrl?: string,
    model?: string,
    key?: string,
  ) => {
    if (provider === 'none') {
      if (model !== undefined || baseUrl !== undefined) {
        problems.push(
          `${prefix}_PROVIDER: set it (openai-compatible or anthropic) to use ${prefix}_MODEL / ${prefix}_BASE_URL`,
        );
      }
      return;
    }
    if (!model) problems.push(`${prefix}_MODEL: required when ${prefix}_PROVIDER=${provider}`);
    if (provider === 'openai-compatible' && !baseUrl) {
      problems.push(
        `${prefix}_BASE_URL: required when ${prefix}_PROVIDER=openai-compatible (e.g. https://api.openai.com/v1)`,
      );
    }
    if (provider === 'anthropic' && !key)
      problems.push(`${prefix}_API_KEY: required when ${prefix}_PROVIDER=anthropic`);
  };
  check('LLM', e.LLM_PROVIDER, e.LLM_BASE_URL, e.LLM_MODEL, e.LLM_API_KEY);
  check(
    'LLM_SECONDARY',
    e.LLM_SECONDARY_PROVIDER,
    e.LLM_SECONDARY_BASE_URL,
    e.LLM_SECONDARY_MODEL,
    e.LLM_SECONDARY_API_KEY,
  );
  if (e.LLM_PROVIDER === 'none' && e.LLM_SECONDARY_PROVIDER !== 'none') {
    problems.push('LLM_SECONDARY_PROVIDER: a secondary model needs a primary one (LLM_PROVIDER)');
  }
  if (e.LLM_PRICES !== undefined && parseLlmPrices(e.LLM_PRICES) === undefined) {
    problems.push('LLM_PRICES: must be a JSON object of model → {"input": USD, "output": USD} per 1M tokens');
  }
  if (e.LLM_FIRST_TOKEN_TIMEOUT_MS > e.LLM_TIMEOUT_MS) {
    problems.push('LLM_FIRST_TOKEN_TIMEOUT_MS: must not be longer than LLM_TIMEOUT_MS');
  }
  if (e.REDTEAM_CANARY !== undefined && e.REDTEAM_CANARY.length < 8) {
    problems.push('REDTEAM_CANARY: must have at least 8 characters (a unique value like fd-canary-…)');
  }
  return problems;
}

/** MONDAY_COLUMN_MAP: a JSON object from lead field to monday.com column id. */
function parseColumnMap(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === 'string' && v.length > 0)) return undefined;
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** Settings of outside providers that only make sense together. */
function integrationProblems(e: z.output<typeof envSchema>): string[] {
  const problems: string[] = [];
  const together = (names: string[], what: string) => {
    const given = names.filter((n) => e[n as keyof typeof e] !== undefined);
    if (given.length > 0 && given.length < names.length) {
      const missing = names.filter((n) => !given.includes(n));
      problems.push(`${missing.join(', ')}: required together with ${given.join(', ')} (${what})`);
    }
  };
  together(['MONDAY_API_TOKEN', 'MONDAY_BOARD_ID'], 'monday.com CRM');
  together(['WEBHOOK_URL', 'WEBHOOK_SECRET'], 'signed webhook');
  together(['SMTP_URL', 'MAIL_FROM'], 'e-mail');
  together(['BOOKING_API_URL', 'BOOKING_API_KEY', 'BOOKING_EVENT_TYPE_ID'], 'booking API');
  if (e.MONDAY_COLUMN_MAP !== undefined && parseColumnMap(e.MONDAY_COLUMN_MAP) === undefined) {
    problems.push('MONDAY_COLUMN_MAP: must be a JSON object of lead field → column id strings');
  }
  if (e.WEBHOOK_SECRET !== undefined && e.WEBHOOK_SECRET.length < 16) {
    problems.push('WEBHOOK_SECRET: must have at least 16 characters');
  }
  const worstCallMs = e.INTEGRATION_TIMEOUT_MS * (e.INTEGRATION_RETRIES + 1) + 5_000;
  if (e.OUTBOX_VISIBILITY_TIMEOUT_SECONDS * 1000 < worstCallMs) {
    problems.push(
      `OUTBOX_VISIBILITY_TIMEOUT_SECONDS: must be at least ${Math.ceil(worstCallMs / 1000)} ` +
        '(INTEGRATION_TIMEOUT_MS × (INTEGRATION_RETRIES + 1) + 5 s), or a slow delivery would be handed out twice',
    );
  }
  return problems;
}

function isSecretName(key: string): boolean {
  return /SECRET|TOKEN|PASSWORD|KEY|CANARY|DATABASE_URL|REDIS_URL|SMTP_URL|WEBHOOK_URL/.test(key);
}

/** The secret values of a configuration: they must never appear in a response or a log line. */
export function secretValues(config: Config): string[] {
  return [
    config.secrets.session,
    config.secrets.metricsToken,
    config.database.url,
    config.redis.url,
    config.uploads.s3?.secretAccessKey,
    config.integrations.monday?.token,
    config.integrations.webhook?.secret,
    config.integrations.slack?.webhookUrl,
    config.integrations.mail?.smtpUrl,
    config.integrations.booking?.apiKey,
    config.llm.primary?.apiKey,
    config.llm.secondary?.apiKey,
    config.redteamCanary,
    config.backups.encryptionKey,
  ].filter((v): v is string => typeof v === 'string' && v.length >= 8);
}
