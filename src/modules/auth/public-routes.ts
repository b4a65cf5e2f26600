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
  { method: 'POST', url: '/api/v1/chat/stream', why: 'the customer chat, reply streamed (same checks)' },
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
  {
    method: 'GET',
    url: '/api/v1/ws/admin',
    why: 'the admin WebSocket (a one-time ticket from POST /api/v1/admin/ws-ticket, which needs a staff session)',
  },
  { method: 'POST', url: '/api/v1/leads', why: 'the contact form of the widget and the website' },
  { method: 'POST', url: '/api/v1/uploads', why: 'customer attachments (photos, floor plans)' },
  { method: 'POST', url: '/api/v1/privacy/unsubscribe', why: 'one-click unsubscribe from e-mails' },
  {
    method: 'POST',
    url: '/api/v1/privacy/requests',
    why: 'data export / erasure requests, verified by e-mail',
  },
  {
    method: 'GET',
    url: '/api/v1/privacy/exports/:token',
    why: 'one-time download of a verified data export (the unguessable token is the credential)',
  },
  { method: 'GET', url: '/privacy', why: 'the privacy policy' },
  { method: 'GET', url: '/privacy/style.css', why: 'the stylesheet of the privacy pages' },
  { method: 'GET', url: '/privacy/request', why: 'the form for data export / erasure requests' },
  { method: 'POST', url: '/privacy/request', why: 'the form for data export / erasure requests (no-script)' },
  {
    method: 'GET',
    url: '/privacy/verify',
    why: 'confirm page of an e-mailed verification link (changes nothing)',
  },
  {
    method: 'POST',
    url: '/privacy/verify',
    why: 'confirms a privacy request (the e-mailed token is the credential)',
  },
  {
    method: 'GET',
    url: '/privacy/unsubscribe',
    why: 'confirm page of an unsubscribe link (changes nothing)',
  },
  {
    method: 'POST',
    url: '/privacy/unsubscribe',
    why: 'unsubscribe form (the signed token is the credential)',
  },
  { method: 'GET', url: '/api/v1/widget/config', why: 'public look and texts of the widget' },
  { method: 'GET', url: '/', why: 'the demo page with the widget' },
  { method: 'GET', url: '/favicon.svg', why: 'static file' },
  { method: 'GET', url: '/widget.js', why: 'the widget bundle embedded by websites' },
  { method: 'GET', url: '/assets/:file', why: 'the widget bundle (immutable, hashed name)' },
  { method: 'GET', url: '/static/:file', why: 'static files of the demo page' },
  {
    method: 'GET',
    url: '/admin/*',
    why: 'the admin panel page and its hashed assets (its data comes only through the authenticated admin API)',
  },
];

function matches(pattern: string, url: string): boolean {
  return pattern.endsWith('*') ? url.startsWith(pattern.slice(0, -1)) : pattern === url;
}

/** True when the route (method, registered URL pattern) is on the public allow-list. HEAD follows GET. */
export function isPublicRoute(method: string, url: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return PUBLIC_ROUTES.some((r) => r.method === m && matches(r.url, url));
}
