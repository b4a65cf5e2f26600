/** Health checks and Prometheus metrics. */
import crypto from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../../http/errors.js';
import type { Metrics } from '../../platform/metrics.js';
import type { HealthService } from './health-service.js';

const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: z.enum(['up', 'down', 'not_migrated']),
  redis: z.enum(['up', 'degraded', 'disabled']),
  uptimeSeconds: z.number(),
});

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export function opsRoutes(deps: {
  health: HealthService;
  metrics: Metrics;
  metricsToken: string | undefined;
}): FastifyPluginAsync {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/health/live',
      {
        schema: {
          tags: ['ops'],
          summary: 'Liveness: the process is running (no dependencies checked)',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    r.get(
      '/health/ready',
      {
        schema: {
          tags: ['ops'],
          summary: 'Readiness: the database is reachable and migrated (Redis down only degrades)',
          response: { 200: readinessSchema, 503: readinessSchema },
        },
      },
      async (_req, reply) => {
        const readiness = await deps.health.readiness();
        reply.header('cache-control', 'no-store');
        return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness);
      },
    );
    r.get(
      '/metrics',
      {
        schema: { tags: ['ops'], summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set)', hide: false },
      },
      async (request, reply) => {
        if (deps.metricsToken) {
          const header = request.headers.authorization ?? '';
          const token = header.startsWith('Bearer ') ? header.slice(7) : '';
          if (!token || !sameSecret(token, deps.metricsToken)) {
            throw new UnauthorizedError('A valid metrics token is required.');
          }
        }
        reply.header('content-type', deps.metrics.registry.contentType);
        return deps.metrics.registry.metrics();
      },
    );
  };
}
