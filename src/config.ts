/**
 * The one typed configuration object. Every setting comes from the environment, is validated here at
 * start-up, and is documented in .env.example. Nothing else in Frontdesk reads process.env.
 */
import path from 'node:path';
import { z } from 'zod';

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

/** Values that appear in documentation and must never be accepted as real secrets in production. */
export const PLACEHOLDER_SECRETS = ['change-me', 'changeme', 'secret', 'password', 'dev-secret', 'example'];

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
    .default('development'),
  SERVICE_NAME: z.string().min(1).default('frontdesk'),
  HOST: optionalString,
  PORT: int(3000, 0, 65535),
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
  DATABASE_POOL_MAX: int(10, 1, 500),
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
  AUTH_SESSION_TTL_SECONDS: int(43_200, 1, 2_592_000),
  AUTH_SESSION_IDLE_SECONDS: int(3_600, 1, 2_592_000),
  AUTH_SESSION_ROTATE_SECONDS: int(900, 1, 86_400),
  AUTH_LOGIN_MAX_FAILURES: int(5, 1, 1_000),
  AUTH_LOGIN_MAX_FAILURES_PER_IP: int(20, 1, 100_000),
  AUTH_LOGIN_LOCK_SECONDS: int(900, 1, 86_400),
  AUTH_LOGIN_DELAY_MS: int(250, 0, 60_000),
  AUTH_LOGIN_DELAY_MAX_MS: int(4_000, 0, 60_000),
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
  chat: { messageMaxChars: number };
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
  /** Absolute path of the project root (where package.json, knowledge/, migrations/ live). */
  rootDir: string;
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
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const host = e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1');
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.resolve(rootDir, p));
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
    chat: { messageMaxChars: e.CHAT_MESSAGE_MAX_CHARS },
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
    rootDir,
  };
}

function isSecretName(key: string): boolean {
  return /SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL|REDIS_URL/.test(key);
}

/** The secret values of a configuration: they must never appear in a response or a log line. */
export function secretValues(config: Config): string[] {
  return [config.secrets.session, config.secrets.metricsToken, config.database.url, config.redis.url].filter(
    (v): v is string => typeof v === 'string' && v.length >= 8,
  );
}
