/**
 * Security headers per route family.
 *
 * - Everything (API, admin panel and admin API, health, errors): a strict CSP (scripts and styles only
 *   from this origin, no inline script, `frame-ancestors 'none'`), X-Frame-Options DENY, nosniff,
 *   Referrer-Policy no-referrer, Cross-Origin-Resource-Policy same-origin, HSTS in production.
 * - The demo page (`/`): the same CSP, but it may be framed by this origin and by
 *   WIDGET_ALLOWED_ORIGINS; X-Frame-Options is SAMEORIGIN when no other origin is allowed and left out
 *   otherwise (it cannot name several origins; frame-ancestors does the job in every current browser).
 * - The widget script (`/widget.js`) and its bundle (`/assets/widget-<hash>.js`):
 *   Cross-Origin-Resource-Policy cross-origin, so the sites that embed it can load it.
 * - The OpenAPI UI (`/docs`) gets the policy its plugin computes (it lists the hashes of any inline
 *   script or style the bundled UI needs), tightened by docsCsp; it is set only on /docs routes.
 */
import type { FastifyInstance } from 'fastify';

export interface SecurityHeaderSettings {
  isProduction: boolean;
  /** Origins (scheme://host[:port]) allowed to embed the widget and frame the demo page. */
  widgetOrigins: readonly string[];
}

/** The strict policy every answer carries unless its route family says otherwise. */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join(';');

/** The headers of every answer: fixed at start-up, so a request only copies them. */
export function baselineHeaders(isProduction: boolean): Record<string, string> {
  return {
    'content-security-policy': STRICT_CSP,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(isProduction ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

const DEMO_PATHS = new Set(['/', '/index.html']);
const WIDGET_FILE = /^\/(widget\.js|assets\/widget-[0-9a-f]+\.js)$/;

export function isWidgetFile(path: string): boolean {
  return WIDGET_FILE.test(path);
}

/** The CSP of the demo page: strict, framable only by this origin and the widget's sites. */
export function demoPageCsp(widgetOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${["'self'", ...widgetOrigins].join(' ')}`,
  ].join('; ');
}

/** The OpenAPI UI's own policy, tightened: it may not be framed and loads nothing from elsewhere. */
export function docsCsp(swaggerCsp: string): string {
  return swaggerCsp
    .replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'")
    .replace(/ validator\.swagger\.io/g, '')
    .replace(/ https:/g, '')
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace(/\s+;/g, ';')
    .trim();
}

export function registerSecurityHeaders(app: FastifyInstance, settings: SecurityHeaderSettings): void {
  const baseline = baselineHeaders(settings.isProduction);
  const demoCsp = demoPageCsp(settings.widgetOrigins);
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(baseline);
    const path = request.url.split('?')[0] ?? '/';
    if (DEMO_PATHS.has(path)) {
      reply.header('content-security-policy', demoCsp);
      reply.header('referrer-policy', 'strict-origin-when-cross-origin');
      if (settings.widgetOrigins.length === 0) reply.header('x-frame-options', 'SAMEORIGIN');
      else reply.removeHeader('x-frame-options');
    } else if (isWidgetFile(path)) {
      reply.header('cross-origin-resource-policy', 'cross-origin');
    }
  });
}
