/**
 * Cross-origin requests, by route family:
 *
 * - public API (everything under /api/v1/ except the admin and sign-in routes) and the widget's
 *   files: allowed for CORS_ORIGINS and WIDGET_ALLOWED_ORIGINS; never with credentials (the chat uses
 *   its session secret header, not cookies);
 * - admin API, sign-in, admin WebSocket and panel: never CORS-enabled. The panel is served from this
 *   origin, so its cookie works without CORS;
 * - everything else (health, metrics, docs, the demo page): no CORS.
 *
 * A preflight from an allowed origin is answered 204 here; from any other origin 403 `cors_refused`.
 * A write (anything but GET/HEAD/OPTIONS) that carries an Origin which is neither this site nor allowed
 * for the route is refused with 403 `cors_refused` before it does anything. A read from such an
 * origin is served without CORS headers, so the browser does not let the page see it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CorsRefusedError } from './abuse-errors.js';
import { isWidgetFile } from './security-headers.js';

export interface CorsSettings {
  /** This deployment's own origin (from PUBLIC_URL). */
  publicOrigin: string;
  /** CORS_ORIGINS: origins allowed on the public API; `*` allows any (refused in production). */
  origins: readonly string[];
  /** WIDGET_ALLOWED_ORIGINS: the sites that embed the widget. */
  widgetOrigins: readonly string[];
}

export type CorsFamily = 'public' | 'staff' | 'none';

const STAFF_PREFIXES = ['/api/v1/admin/', '/api/v1/auth/', '/api/v1/ws/admin', '/admin'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'content-type, x-session-secret, x-session-id, idempotency-key, x-request-id';
const EXPOSED_HEADERS = 'x-request-id, retry-after';

export function corsFamily(path: string): CorsFamily {
  if (STAFF_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))) {
    return 'staff';
  }
  if (path.startsWith('/api/') || isWidgetFile(path)) return 'public';
  return 'none';
}

export function registerCors(app: FastifyInstance, settings: CorsSettings): void {
  const anyOrigin = settings.origins.includes('*');
  const allowed = new Set([...settings.origins, ...settings.widgetOrigins]);

  const sameOrigin = (request: FastifyRequest, origin: string) =>
    origin === settings.publicOrigin || origin === `${request.protocol}://${request.host}`;

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const path = request.url.split('?')[0] ?? '/';
    const family = corsFamily(path);
    if (family !== 'none') reply.header('vary', 'Origin');
    if (sameOrigin(request, origin)) return;
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    const permitted = family === 'public' && (anyOrigin || allowed.has(origin));
    if (!permitted) {
      if (preflight || !SAFE_METHODS.has(request.method)) throw new CorsRefusedError();
      return;
    }
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    if (preflight) {
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });
}
