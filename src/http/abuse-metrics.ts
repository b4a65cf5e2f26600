/** Metrics of rate limiting and abuse control, registered once per metrics registry. */
import type { Metrics } from '../platform/metrics.js';

export interface AbuseMetrics {
  /** Requests refused with 429, by rule (`too_fast` for the chat's minimum interval). */
  rateLimited: { inc(labels: { rule: string }): void };
  /** Violations counted towards a block, by reason. */
  violations: { inc(labels: { reason: string }): void };
  /** Blocks placed, by reason (`manual` for the admin API). */
  blocks: { inc(labels: { reason: string }): void };
  /** Requests refused because their client is blocked, by kind (ip, session). */
  blockedRequests: { inc(labels: { kind: string }): void };
}

const byRegistry = new WeakMap<object, AbuseMetrics>();

export function abuseMetrics(metrics: Metrics, prefix = 'frontdesk_'): AbuseMetrics {
  const existing = byRegistry.get(metrics.registry);
  if (existing) return existing;
  const { client, registry } = metrics;
  const created: AbuseMetrics = {
    rateLimited: new client.Counter({
      name: `${prefix}rate_limited_total`,
      help: 'Requests refused with 429 by a rate limit, by rule',
      labelNames: ['rule'] as const,
      registers: [registry],
    }),
    violations: new client.Counter({
      name: `${prefix}abuse_violations_total`,
      help: 'Violations counted towards a block (rate-limit hits, abusive messages, invalid payloads)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    blocks: new client.Counter({
      name: `${prefix}blocks_total`,
      help: 'Clients blocked, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    blockedRequests: new client.Counter({
      name: `${prefix}blocked_requests_total`,
      help: 'Requests refused with 403 because the client address or chat session is blocked',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
  byRegistry.set(metrics.registry, created);
  return created;
}
