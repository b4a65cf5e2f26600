/**
 * The one rate limiter. Every limit Frontdesk enforces is a row of RATE_LIMIT_RULES below: what it
 * counts (per client address, per chat session or per staff principal), which routes it covers, and
 * which setting gives its number (RATE_LIMIT_* in the configuration, per minute; 0 turns a rule off).
 *
 * Counters are fixed one-minute windows kept through the platform cache: in Redis when it is
 * configured, so every replica shares them, and in process memory when Redis is absent or down (the
 * cache falls back by itself, so limiting never becomes an outage). Over a limit the request gets
 * 429 `rate_limited` with Retry-After (seconds to the end of the window), and the hit counts as a
 * violation towards a block (see abuse-guard.ts).
 *
 * Address and session rules run in onRequest and preValidation respectively (the chat session id is
 * in the JSON body, known only once it is parsed); principal rules run in preValidation, after the
 * route's staff guard has identified the caller.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Cache } from '../platform/cache.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { abuseMetrics } from './abuse-metrics.js';
import { clientAddressKey } from './client-ip.js';
import { RateLimitedError } from './errors.js';

export interface RateLimitSettings {
  enabled: boolean;
  globalPerMinute: number;
  chatPerMinute: number;
  chatPerSessionPerMinute: number;
  leadsPerMinute: number;
  loginPerMinute: number;
  uploadsPerMinute: number;
  adminPerMinute: number;
  privacyPerMinute: number;
}

export type RateLimitKey = 'ip' | 'session' | 'principal';

export interface RateLimitRule {
  /** The `rule` label of frontdesk_rate_limited_total. */
  name: string;
  per: RateLimitKey;
  /** `METHOD /route` entries (`*` for any method; a route ending in `*` is a prefix). */
  routes: readonly string[];
  /** Entries the rule leaves alone (same form). */
  except?: readonly string[];
  limit(settings: RateLimitSettings): number;
}

/** Every rate limit, in one place. */
export const RATE_LIMIT_RULES: readonly RateLimitRule[] = [
  {
    name: 'global',
    per: 'ip',
    routes: ['* *'],
    except: ['* /health/*', 'GET /metrics'],
    limit: (s) => s.globalPerMinute,
  },
  {
    name: 'chat',
    per: 'ip',
    routes: ['POST /api/v1/chat', 'POST /api/v1/chat/stream', 'GET /api/v1/ws/chat'],
    limit: (s) => s.chatPerMinute,
  },
  {
    name: 'chat_session',
    per: 'session',
    routes: ['POST /api/v1/chat', 'POST /api/v1/chat/stream'],
    limit: (s) => s.chatPerSessionPerMinute,
  },
  { name: 'leads', per: 'ip', routes: ['POST /api/v1/leads'], limit: (s) => s.leadsPerMinute },
  {
    name: 'login',
    per: 'ip',
    routes: ['POST /api/v1/auth/login', 'POST /api/v1/auth/setup'],
    limit: (s) => s.loginPerMinute,
  },
  { name: 'uploads', per: 'session', routes: ['POST /api/v1/uploads'], limit: (s) => s.uploadsPerMinute },
  { name: 'admin', per: 'principal', routes: ['* /api/v1/admin/*'], limit: (s) => s.adminPerMinute },
  {
    name: 'privacy',
    per: 'ip',
    routes: [
      'POST /api/v1/privacy/requests',
      'POST /api/v1/privacy/unsubscribe',
      'GET /api/v1/privacy/exports/:token',
      'POST /privacy/request',
      'POST /privacy/verify',
      'POST /privacy/unsubscribe',
    ],
    limit: (s) => s.privacyPerMinute,
  },
];

export const RATE_LIMIT_WINDOW_SECONDS = 60;

export type ViolationReason = 'rate_limit' | 'abuse' | 'invalid_payload';

export interface BlockSubject {
  kind: 'ip' | 'session';
  value: string;
}

/** What the HTTP layer needs of the blocklist (implemented by the abuse module). */
export interface AbuseControl {
  /** Milliseconds until the subject's block ends; 0 when it is not blocked. */
  blockedFor(subject: BlockSubject): number;
  /** Counts a violation; enough of them within the window block the subject. */
  reportViolation(subject: BlockSubject, reason: ViolationReason): Promise<void>;
}

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The chat session a request acts for: the `:sessionId` route parameter, `sessionId` in a JSON body,
 * the `x-session-id` header or the `sessionId` query parameter (for multipart uploads, whose body is
 * read only by the handler).
 */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const candidates = [
    (request.params as Record<string, unknown> | undefined)?.sessionId,
    request.body !== null && typeof request.body === 'object'
      ? (request.body as Record<string, unknown>).sessionId
      : undefined,
    request.headers['x-session-id'],
    (request.query as Record<string, unknown> | undefined)?.sessionId,
  ];
  for (const c of candidates) if (typeof c === 'string' && SESSION_ID.test(c)) return c;
  return undefined;
}

/** The client address key of a request (IPv6 reduced to its /64), honouring TRUST_PROXY. */
export function clientKeyOf(request: FastifyRequest): string {
  return clientAddressKey(request.ip) ?? request.ip;
}

/** The path of a request for rule matching: the route pattern, or the raw path for unmatched ones. */
export function routePathOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? '/';
}

function entryMatches(entry: string, method: string, path: string): boolean {
  const space = entry.indexOf(' ');
  const m = entry.slice(0, space);
  const route = entry.slice(space + 1);
  if (m !== '*' && m !== method && !(m === 'GET' && method === 'HEAD')) return false;
  return route.endsWith('*') ? path.startsWith(route.slice(0, -1)) : route === path;
}

export function ruleApplies(rule: RateLimitRule, method: string, path: string): boolean {
  return (
    rule.routes.some((e) => entryMatches(e, method, path)) &&
    !(rule.except ?? []).some((e) => entryMatches(e, method, path))
  );
}

function principalOf(request: FastifyRequest): string | undefined {
  const staff = (request as FastifyRequest & { staff?: { kind: string; id: string } | null }).staff;
  return staff ? `${staff.kind}:${staff.id}` : undefined;
}

export interface RateLimiterOptions {
  settings: RateLimitSettings;
  cache: Cache;
  metrics: Metrics;
  logger: Logger;
  abuse?: AbuseControl;
  rules?: readonly RateLimitRule[];
  now?: () => number;
}

export function registerRateLimiting(app: FastifyInstance, options: RateLimiterOptions): void {
  const { settings, cache, abuse, logger } = options;
  if (!settings.enabled) return;
  const rules = (options.rules ?? RATE_LIMIT_RULES).filter((r) => r.limit(settings) > 0);
  const now = options.now ?? Date.now;
  const counters = abuseMetrics(options.metrics);
  const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;

  async function enforce(request: FastifyRequest, phase: readonly RateLimitKey[]): Promise<void> {
    const method = request.method;
    const path = routePathOf(request);
    const applicable = rules.filter((r) => phase.includes(r.per) && ruleApplies(r, method, path));
    if (applicable.length === 0) return;
    const at = now();
    const window = Math.floor(at / windowMs);
    const checks = await Promise.all(
      applicable.map(async (rule) => {
        const subject =
          rule.per === 'ip'
            ? clientKeyOf(request)
            : rule.per === 'session'
              ? sessionIdOf(request)
              : (principalOf(request) ?? `ip:${clientKeyOf(request)}`);
        if (subject === undefined) return undefined;
        const count = await cache.incr(`rl:${rule.name}:${subject}:${window}`, RATE_LIMIT_WINDOW_SECONDS + 5);
        return count > rule.limit(settings) ? { rule, subject } : undefined;
      }),
    );
    const hit = checks.find((c) => c !== undefined);
    if (!hit) return;
    counters.rateLimited.inc({ rule: hit.rule.name });
    if (abuse && hit.rule.per !== 'principal') {
      abuse
        .reportViolation({ kind: hit.rule.per, value: hit.subject }, 'rate_limit')
        .catch((err: unknown) => logger.warn({ err }, 'counting a rate-limit violation failed'));
    }
    throw new RateLimitedError(((window + 1) * windowMs - at) / 1000);
  }

  app.addHook('onRequest', async (request) => enforce(request, ['ip']));
  app.addHook('preValidation', async (request) => enforce(request, ['session', 'principal']));
}
