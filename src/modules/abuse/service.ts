/**
 * Abuse control: the blocklist (client addresses and chat sessions refused for a while), the violation
 * counters that fill it automatically, and the minimum interval between a chat session's messages.
 *
 * The database is the source of truth for the blocklist; every replica keeps an in-process copy of
 * the blocks in force (refreshed every few seconds and updated at once by its own changes), so the
 * check on each request costs no round trip. Violation counters live in the cache (shared through
 * Redis when configured, in memory otherwise).
 */
import { TooFastError } from '../../http/abuse-errors.js';
import { abuseMetrics } from '../../http/abuse-metrics.js';
import { clientAddressKey } from '../../http/client-ip.js';
import { NotFoundError, ValidationError } from '../../http/errors.js';
import type { BlockSubject, ViolationReason } from '../../http/rate-limit.js';
import type { Cache } from '../../platform/cache.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { createBlocklistRepository, type BlockRow } from './repository.js';

/** How long a row is kept after its block ends (for questions about a recent block), in hours. */
export const BLOCKLIST_GRACE_HOURS = 24;
const SNAPSHOT_LIMIT = 100_000;
const PACE_LOCAL_LIMIT = 50_000;
const REASONS: readonly ViolationReason[] = ['rate_limit', 'abuse', 'invalid_payload'];
const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export interface AbuseSettings {
  /** Automatic blocks and the minimum message interval (off together with RATE_LIMIT_ENABLED). */
  enabled: boolean;
  blockAfterViolations: number;
  violationWindowMinutes: number;
  blockDurationMinutes: number;
  chatMinIntervalMs: number;
}

export interface BlockEntry {
  id: string;
  kind: 'ip' | 'session';
  value: string;
  reason: string;
  violations: Record<string, number>;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  active: boolean;
}

export interface NewManualBlock {
  kind: 'ip' | 'session';
  value: string;
  minutes: number;
  reason: string;
  createdBy: string;
}

function toEntry(row: BlockRow): BlockEntry {
  return {
    id: row.id,
    kind: row.kind,
    value: row.value,
    reason: row.reason,
    violations: row.violations,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    active: row.expiresAt.getTime() > Date.now(),
  };
}

const subjectKey = (s: BlockSubject) => `${s.kind}:${s.value}`;

export function createAbuseService(deps: {
  db: Database;
  cache: Cache;
  logger: Logger;
  metrics: Metrics;
  settings: AbuseSettings;
  /** How often the in-process copy of the blocklist is reloaded (ms). */
  refreshMs?: number;
}) {
  const { cache, logger, settings } = deps;
  const repository = createBlocklistRepository(deps.db);
  const counters = abuseMetrics(deps.metrics);
  let active = new Map<string, { id: string; expiresAt: number }>();
  const blocking = new Set<string>();
  const paceLocal = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  function remember(row: BlockRow): void {
    active.set(subjectKey(row), { id: row.id, expiresAt: row.expiresAt.getTime() });
  }

  async function refresh(): Promise<void> {
    const rows = await repository.listActive(SNAPSHOT_LIMIT);
    const next = new Map<string, { id: string; expiresAt: number }>();
    for (const row of rows) next.set(subjectKey(row), { id: row.id, expiresAt: row.expiresAt.getTime() });
    active = next;
  }

  const violationKey = (s: BlockSubject) => `abuse:v:${s.kind}:${s.value}`;

  async function forgetViolations(subject: BlockSubject): Promise<void> {
    const base = violationKey(subject);
    await Promise.all([cache.del(base), ...REASONS.map((r) => cache.del(`${base}:${r}`))]);
  }

  function blockedFor(subject: BlockSubject): number {
    const entry = active.get(subjectKey(subject));
    if (!entry) return 0;
    const ms = entry.expiresAt - Date.now();
    if (ms > 0) return ms;
    active.delete(subjectKey(subject));
    return 0;
  }

  async function placeBlock(subject: BlockSubject, reason: ViolationReason): Promise<void> {
    const base = violationKey(subject);
    const counts: Record<string, number> = {};
    for (const r of REASONS) {
      const n = Number(await cache.get(`${base}:${r}`));
      if (n > 0) counts[r] = n;
    }
    const row = await repository.upsert({
      ...subject,
      reason,
      violations: counts,
      createdBy: 'system',
      minutes: settings.blockDurationMinutes,
      extendOnly: true,
    });
    remember(row);
    await forgetViolations(subject);
    counters.blocks.inc({ reason });
    logger.warn(
      { blockId: row.id, kind: row.kind, reason, violations: counts, until: row.expiresAt.toISOString() },
      'client blocked after repeated violations',
    );
  }

  async function reportViolation(subject: BlockSubject, reason: ViolationReason): Promise<void> {
    if (!settings.enabled) return;
    counters.violations.inc({ reason });
    if (blockedFor(subject) > 0) return;
    const base = violationKey(subject);
    const ttl = settings.violationWindowMinutes * 60;
    const [total] = await Promise.all([cache.incr(base, ttl), cache.incr(`${base}:${reason}`, ttl)]);
    const key = subjectKey(subject);
    if (total < settings.blockAfterViolations || blocking.has(key)) return;
    blocking.add(key);
    try {
      await placeBlock(subject, reason);
    } finally {
      blocking.delete(key);
    }
  }

  function normalizeValue(kind: 'ip' | 'session', value: string): string {
    if (kind === 'ip') {
      const key = clientAddressKey(value);
      if (!key) throw new ValidationError([{ path: 'value', message: 'must be an IPv4 or IPv6 address' }]);
      return key;
    }
    if (!SESSION_ID.test(value)) {
      throw new ValidationError([{ path: 'value', message: 'must be a chat session id' }]);
    }
    return value;
  }

  function tooFast(sessionId: string, retryAfterMs: number): never {
    counters.rateLimited.inc({ rule: 'too_fast' });
    reportViolation({ kind: 'session', value: sessionId }, 'rate_limit').catch((err: unknown) =>
      logger.warn({ err }, 'counting a too-fast violation failed'),
    );
    throw new TooFastError(retryAfterMs);
  }

  return {
    /** Loads the blocklist and keeps the in-process copy fresh. */
    async start(): Promise<void> {
      await refresh();
      timer = setInterval(() => {
        refresh().catch((err: unknown) =>
          logger.warn({ err }, 'reloading the blocklist failed; keeping the previous copy'),
        );
      }, deps.refreshMs ?? 5_000);
      timer.unref();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },

    blockedFor,
    reportViolation,

    /**
     * The minimum interval between two messages of one chat session: throws TooFastError (429
     * `too_fast`) for a message that follows the previous one too closely.
     */
    async checkPace(sessionId: string): Promise<void> {
      const interval = settings.chatMinIntervalMs;
      if (!settings.enabled || interval <= 0) return;
      const now = Date.now();
      const previous = paceLocal.get(sessionId);
      if (previous !== undefined && now - previous < interval)
        tooFast(sessionId, interval - (now - previous));
      if (paceLocal.size >= PACE_LOCAL_LIMIT) {
        for (const [id, at] of paceLocal) if (now - at >= interval) paceLocal.delete(id);
        if (paceLocal.size >= PACE_LOCAL_LIMIT) paceLocal.clear();
      }
      paceLocal.set(sessionId, now);
      const key = `pace:${sessionId}`;
      const shared = Number(await cache.get(key));
      if (shared > 0 && shared !== now && now - shared < interval && shared !== previous) {
        if (previous === undefined) paceLocal.delete(sessionId);
        else paceLocal.set(sessionId, previous);
        tooFast(sessionId, interval - (now - shared));
      }
      await cache.set(key, String(now), Math.ceil(interval / 1000) + 1);
    },

    /**
     * The assistant flagged a chat turn as abusive: a violation of the session and of the address.
     * Never throws: a failure is logged and the conversation goes on.
     */
    async reportAbuse(subject: { sessionId: string; ip?: string }): Promise<void> {
      const ip = subject.ip === undefined ? undefined : clientAddressKey(subject.ip);
      try {
        await Promise.all([
          reportViolation({ kind: 'session', value: subject.sessionId }, 'abuse'),
          ...(ip ? [reportViolation({ kind: 'ip', value: ip }, 'abuse')] : []),
        ]);
      } catch (err) {
        logger.warn({ err }, 'counting an abusive message failed');
      }
    },

    /** Every kept row: blocks in force and those that ended within the grace period. */
    async list(): Promise<BlockEntry[]> {
      return (await repository.listAll(1_000)).map(toEntry);
    },

    async add(block: NewManualBlock): Promise<BlockEntry> {
      const row = await repository.upsert({
        kind: block.kind,
        value: normalizeValue(block.kind, block.value),
        reason: block.reason,
        violations: {},
        createdBy: block.createdBy,
        minutes: block.minutes,
        extendOnly: false,
      });
      remember(row);
      counters.blocks.inc({ reason: 'manual' });
      logger.info({ blockId: row.id, kind: row.kind, minutes: block.minutes }, 'client blocked by staff');
      return toEntry(row);
    },

    async remove(id: string): Promise<BlockEntry> {
      const row = await repository.remove(id);
      if (!row) throw new NotFoundError('No blocklist entry has this id.', 'block_not_found');
      const key = subjectKey(row);
      if (active.get(key)?.id === row.id) active.delete(key);
      await forgetViolations(row);
      logger.info({ blockId: row.id, kind: row.kind }, 'block lifted by staff');
      return toEntry(row);
    },

    /** Deletes rows whose block ended more than BLOCKLIST_GRACE_HOURS ago (scheduled hourly). */
    async purgeExpired(): Promise<{ deleted: number }> {
      return { deleted: await repository.purgeExpired(BLOCKLIST_GRACE_HOURS) };
    },
  };
}

export type AbuseService = ReturnType<typeof createAbuseService>;
