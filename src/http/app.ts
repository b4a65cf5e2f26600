/**
 * Assembles the Fastify application: the cross-cutting HTTP concerns (request ids, logging, JSON body
 * rules, errors, security headers, metrics, OpenAPI) and the route plugins the composition root hands in.
 */
import crypto from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Cache } from '../platform/cache.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { registerAbuseGuard } from './abuse-guard.js';
import { registerCors } from './cors.js';
import { registerErrorHandling } from './error-handler.js';
import { registerJsonParser } from './json-body.js';
import { registerRateLimiting, type AbuseControl } from './rate-limit.js';
import { requestIdFrom } from './request-id.js';
import { docsCsp, registerSecurityHeaders } from './security-headers.js';

export type App = FastifyInstance;
export type RoutePlugin = FastifyPluginAsync;

export interface AppOptions {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  routes: RoutePlugin[];
  /** Rate-limit counters (shared through Redis when configured). Without it, nothing is rate limited. */
  cache?: Cache;
  /** The blocklist and violation counting. */
  abuse?: AbuseControl;
}

export async function buildApp({ config, logger, metrics, routes, cache, abuse }: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIdFrom,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Requests Node's HTTP parser refuses (malformed headers, bad framing) still get the standard body.
    clientErrorHandler: (err, socket) => {
      if (!socket.writable) return;
      const requestId = crypto.randomUUID();
      const tooLarge = (err as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify({
        error: tooLarge ? 'headers_too_large' : 'bad_request',
        message: tooLarge ? 'The request headers are too large.' : 'The request could not be parsed.',
        requestId,
      });
      socket.end(
        `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerJsonParser(app, { maxDepth: config.http.jsonMaxDepth, maxKeys: config.http.jsonMaxKeys });
  registerErrorHandling(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      seconds,
    );
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
  });

  // Order matters: headers first (so every answer carries them), then CORS (so a refused or limited
  // cross-origin caller can read why), then the blocklist, then the rate limits.
  registerSecurityHeaders(app, {
    isProduction: config.isProduction,
    widgetOrigins: config.cors.widgetOrigins,
  });
  registerCors(app, {
    publicOrigin: new URL(config.http.publicUrl).origin,
    origins: config.cors.origins,
    widgetOrigins: config.cors.widgetOrigins,
  });
  if (abuse) {
    registerAbuseGuard(app, { abuse, metrics, logger, countViolations: config.rateLimit.enabled });
  }
  if (cache) registerRateLimiting(app, { settings: config.rateLimit, cache, metrics, logger, abuse });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Frontdesk API',
        version: '1.0.0',
        description: 'Chat, leads, privacy and administration API of Frontdesk.',
      },
      servers: [{ url: config.http.publicUrl }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The UI needs hashed inline styles and scripts of its own; this policy is set on /docs only, the
    // strict one stays on everywhere else.
    staticCSP: true,
    transformStaticCSP: docsCsp,
  });

  for (const plugin of routes) await app.register(plugin);
  return app;
}
