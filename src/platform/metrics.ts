/** Prometheus metrics: one registry per process, with the default Node.js metrics. */
import client from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(prefix = 'frontdesk_') {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix });
  const httpDuration = new client.Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const redisUp = new client.Gauge({
    name: `${prefix}redis_up`,
    help: '1 when Redis is configured and reachable, 0 when it is down (fallback in use)',
    registers: [registry],
  });
  const redisFallbacks = new client.Counter({
    name: `${prefix}redis_fallback_total`,
    help: 'Operations served by the in-process fallback because Redis was unavailable',
    registers: [registry],
  });
  const chatTurns = new client.Counter({
    name: `${prefix}chat_turns_total`,
    help: 'Chat turns answered, by engine and channel',
    labelNames: ['engine', 'channel'] as const,
    registers: [registry],
  });
  const conversationsStarted = new client.Counter({
    name: `${prefix}conversations_started_total`,
    help: 'Conversations started, by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, redisUp, redisFallbacks, chatTurns, conversationsStarted, client };
}
