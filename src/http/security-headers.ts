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
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityHeaderSettings {
  isProduction: boolean;
  /** Origins (scheme://host[:port]) allowed to embed the widget and frame the demo page. */
  widgetOrigins: readonly string[];
}

const STRICT_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

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

export async function registerSecurityHeaders(
  app: FastifyInstance,
  settings: SecurityHeaderSettings,
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: STRICT_DIRECTIVES },
    hsts: settings.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });

  const demoCsp = demoPageCsp(settings.widgetOrigins);
  app.addHook('onRequest', async (request, reply) => {
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
