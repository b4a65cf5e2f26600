/**
 * Blocked clients are refused early: the client address in onRequest, before anything else is done
 * for the request, and the chat session in preValidation (its id is in the body). Both checks read
 * the abuse module's in-process copy of the blocklist, so they cost no round trip.
 *
 * This file also counts floods of invalid payloads: a 400 or 413 answered to an anonymous caller is a
 * violation of its address.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { BlockedError } from './abuse-errors.js';
import { abuseMetrics } from './abuse-metrics.js';
import { clientKeyOf, routePathOf, sessionIdOf, type AbuseControl } from './rate-limit.js';

/** Probes and scrapes are never blocked: a load balancer must always see the real health. */
const NEVER_BLOCKED = [/^\/health\//, /^\/metrics$/];

const INVALID_PAYLOAD_STATUSES = new Set([400, 413]);

export interface AbuseGuardOptions {
  abuse: AbuseControl;
  metrics: Metrics;
  logger: Logger;
  /** Count invalid payloads as violations (off together with rate limiting). */
  countViolations: boolean;
}

export function registerAbuseGuard(app: FastifyInstance, options: AbuseGuardOptions): void {
  const { abuse, logger } = options;
  const counters = abuseMetrics(options.metrics);
  const exempt = (request: FastifyRequest) => NEVER_BLOCKED.some((p) => p.test(routePathOf(request)));

  app.addHook('onRequest', async (request) => {
    if (exempt(request)) return;
    const ms = abuse.blockedFor({ kind: 'ip', value: clientKeyOf(request) });
    if (ms > 0) {
      counters.blockedRequests.inc({ kind: 'ip' });
      throw new BlockedError(ms);
    }
  });

  app.addHook('preValidation', async (request) => {
    const sessionId = sessionIdOf(request);
    if (!sessionId) return;
    const ms = abuse.blockedFor({ kind: 'session', value: sessionId });
    if (ms > 0) {
      counters.blockedRequests.inc({ kind: 'session' });
      throw new BlockedError(ms);
    }
  });

  if (!options.countViolations) return;
  app.addHook('onResponse', async (request, reply) => {
    if (!INVALID_PAYLOAD_STATUSES.has(reply.statusCode) || exempt(request)) return;
    if ((request as FastifyRequest & { staff?: unknown }).staff) return;
    abuse
      .reportViolation({ kind: 'ip', value: clientKeyOf(request) }, 'invalid_payload')
      .catch((err: unknown) => logger.warn({ err }, 'counting an invalid-payload violation failed'));
  });
}
