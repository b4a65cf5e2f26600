/**
 * The routes anyone may call without a staff session or API token. Every other route must be
 * protected with the staff guard (guard.ts); tests/security/route-auth.test.ts enforces that for every
 * route the application registers. Adding a route here is a security decision: say why.
 */

export interface PublicRoute {
  method: string;
  /** A route pattern as registered (`/api/v1/chat/:sessionId/messages`), or a prefix ending in `*`. */
  url: string;
  why: string;
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', url: '/health/live', why: 'liveness probe' },
  { method: 'GET', url: '/health/ready', why: 'readiness probe' },
  { method: 'GET', url: '/metrics', why: 'protected by METRICS_TOKEN (its own bearer token)' },
  { method: 'GET', url: '/docs*', why: 'the OpenAPI document and its UI' },
  { method: 'POST', url: '/api/v1/chat', why: 'the customer chat' },
  {
    method: 'GET',
    url: '/api/v1/chat/:sessionId/messages',
    why: "the visitor's own transcript (needs the chat session's secret)",
  },
  { method: 'POST', url: '/api/v1/auth/login', why: 'staff sign-in' },
  {
    method: 'POST',
    url: '/api/v1/auth/setup',
    why: 'creating the first admin (needs a one-time setup token)',
  },
  { method: 'GET', url: '/api/v1/ws/chat', why: 'the widget WebSocket (chat session secret inside)' },
  { method: 'POST', url: '/api/v1/leads', why: 'the contact form of the widget and the website' },
  { method: 'POST', url: '/api/v1/uploads', why: 'customer attachments (photos, floor plans)' },
  { method: 'POST', url: '/api/v1/privacy/unsubscribe', why: 'one-click unsubscribe from e-mails' },
  {
    method: 'POST',
    url: '/api/v1/privacy/requests',
    why: 'data export / erasure requests, verified by e-mail',
  },
  { method: 'GET', url: '/api/v1/widget/config', why: 'public look and texts of the widget' },
  { method: 'GET', url: '/', why: 'the demo page with the widget' },
  { method: 'GET', url: '/favicon.svg', why: 'static file' },
  { method: 'GET', url: '/widget.js', why: 'the widget bundle embedded by websites' },
  { method: 'GET', url: '/assets/*', why: 'static files of the web apps' },
  { method: 'GET', url: '/static/*', why: 'static files of the web apps' },
];

function matches(pattern: string, url: string): boolean {
  return pattern.endsWith('*') ? url.startsWith(pattern.slice(0, -1)) : pattern === url;
}

/** True when the route (method, registered URL pattern) is on the public allow-list. HEAD follows GET. */
export function isPublicRoute(method: string, url: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return PUBLIC_ROUTES.some((r) => r.method === m && matches(r.url, url));
}
