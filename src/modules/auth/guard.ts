/**
 * The staff guard. `staffAuthPlugin` is registered once, before every module's routes; after that any
 * route is protected in one line:
 *
 *   app.get('/api/v1/admin/leads', { onRequest: requireRole('viewer', { scope: 'leads:read' }) }, handler)
 *   app.post('/api/v1/admin/leads/:id', { config: { access: { role: 'operator', scope: 'leads:write' } } }, handler)
 *
 * Either form authenticates the caller (cookie session, or `Authorization: Bearer fd_…`), checks the
 * CSRF header on cookie-authenticated writes, the role (viewer < operator < admin) and, for API
 * tokens, the scope, and leaves the caller in `request.staff`. Routes under /api/v1/admin/ that
 * declare nothing require an admin. Successful writes under /api/v1/admin/ and /api/v1/auth/ are
 * written to the audit log.
 */
import cookie from '@fastify/cookie';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RouteOptions,
} from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../http/errors.js';
import type { AuditActor, AuditService } from '../audit/service.js';
import { roleAtLeast, scopeGrants, type AccessRule, type Role } from './access.js';
import { InvalidTokenError } from './errors.js';
import { isPublicRoute } from './public-routes.js';
import { sameSecret } from './secrets.js';
import type { AuthService, StaffPrincipal } from './service.js';

/** What the audit hook writes for a successful write (routes describe their write with auditAs). */
export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** Who acted, when the request was not authenticated beforehand (sign-in, first setup). */
  actor?: AuditActor;
}

interface StaffAuthenticator {
  authorize(request: FastifyRequest, reply: FastifyReply, rule: AccessRule): Promise<void>;
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<StaffPrincipal | null>;
  setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void;
  clearSessionCookie(reply: FastifyReply): void;
  sessionCookie(request: FastifyRequest): string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated staff member or API token (set by the guard), or null. */
    staff: StaffPrincipal | null;
    auditEvent: AuditEvent | null;
  }
  interface FastifyInstance {
    staffAuth: StaffAuthenticator;
  }
  interface FastifyContextConfig {
    /** Protects the route with the staff guard (same as `onRequest: requireRole(...)`). */
    access?: AccessRule;
  }
}

/** One registered route and how it is protected, as seen by the guard. */
export interface RouteAccess {
  method: string;
  url: string;
  access: AccessRule | null;
  public: boolean;
}

const ACCESS_RULE = Symbol('frontdesk.accessRule');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const AUDITED_PREFIXES = ['/api/v1/admin/', '/api/v1/auth/'];
const registries = new WeakMap<FastifyInstance, RouteAccess[]>();

type GuardHook = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & {
  [ACCESS_RULE]?: AccessRule;
};

/**
 * A route hook that lets through only staff with at least `role` (and, for API tokens, `scope`).
 * Use it as `onRequest` so unauthenticated callers are refused before the body is even parsed.
 */
export function requireRole(role: Role, options: Omit<AccessRule, 'role'> = {}): GuardHook {
  const rule: AccessRule = { role, ...options };
  const hook: GuardHook = async (request, reply) => {
    const auth = (request.server as Partial<FastifyInstance>).staffAuth;
    if (!auth) throw new Error('staffAuthPlugin is not registered');
    await auth.authorize(request, reply, rule);
  };
  hook[ACCESS_RULE] = rule;
  return hook;
}

/** Describes the write this request makes, for its audit-log entry. */
export function auditAs(request: FastifyRequest, event: AuditEvent): void {
  request.auditEvent = event;
}

/** The routes registered after the plugin, with their protection (for the route-enumeration test). */
export function routeAccessList(app: FastifyInstance): RouteAccess[] {
  return [...(registries.get(app) ?? [])];
}

function declaredRule(hooks: RouteOptions['onRequest'] | RouteOptions['preHandler']): AccessRule | undefined {
  const list = (Array.isArray(hooks) ? hooks : hooks ? [hooks] : []) as GuardHook[];
  for (const hook of list) if (hook[ACCESS_RULE]) return hook[ACCESS_RULE];
  return undefined;
}

function withHook(existing: RouteOptions['onRequest'], hook: GuardHook): RouteOptions['onRequest'] {
  const list = Array.isArray(existing) ? existing : existing ? [existing] : [];
  return [hook, ...list] as RouteOptions['onRequest'];
}

function actorOf(request: FastifyRequest): AuditActor {
  const staff = request.staff;
  if (!staff) return { type: 'anonymous' };
  return { type: staff.kind, id: staff.id };
}

export function staffAuthPlugin(deps: {
  auth: AuthService;
  audit: AuditService;
  isProduction: boolean;
}): FastifyPluginAsync {
  const { auth, audit } = deps;
  const cookieName = auth.cookieName;

  const authenticator: StaffAuthenticator = {
    sessionCookie(request) {
      const value = request.cookies?.[cookieName];
      return typeof value === 'string' && value !== '' ? value : undefined;
    },

    setSessionCookie(reply, token, maxAgeSeconds) {
      reply.setCookie(cookieName, token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: deps.isProduction,
        maxAge: maxAgeSeconds,
      });
    },

    clearSessionCookie(reply) {
      reply.clearCookie(cookieName, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: deps.isProduction,
      });
    },

    async authenticate(request, reply) {
      if (request.staff) return request.staff;
      const header = request.headers.authorization;
      if (header !== undefined) {
        // An Authorization header means a token request: cookies are ignored, so no CSRF either.
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        const principal = match?.[1] ? await auth.checkApiToken(match[1]) : undefined;
        if (!principal) throw new InvalidTokenError();
        request.staff = principal;
        return principal;
      }
      const token = authenticator.sessionCookie(request);
      if (!token) return null;
      const session = await auth.checkSession(token);
      if (!session) {
        authenticator.clearSessionCookie(reply);
        return null;
      }
      if (session.rotatedToken) {
        authenticator.setSessionCookie(reply, session.rotatedToken, session.maxAgeSeconds);
      }
      request.staff = session.principal;
      return session.principal;
    },

    async authorize(request, reply, rule) {
      const staff = await authenticator.authenticate(request, reply);
      if (!staff) throw new UnauthorizedError('Sign in, or send an API token, to use this.');
      if (staff.kind === 'user') {
        if (!SAFE_METHODS.has(request.method)) {
          const given = request.headers['x-csrf-token'];
          if (typeof given !== 'string' || !sameSecret(given, staff.csrfToken)) {
            throw new ForbiddenError(
              'The x-csrf-token header is missing or does not match this session.',
              'csrf_failed',
            );
          }
        }
      } else if (rule.via === 'session') {
        throw new ForbiddenError(
          'This needs a signed-in staff member, not an API token.',
          'session_required',
        );
      }
      if (!roleAtLeast(staff.role, rule.role)) {
        throw new ForbiddenError(`This needs the ${rule.role} role or higher.`, 'forbidden');
      }
      if (staff.kind === 'token' && !scopeGrants(staff.scopes, rule.scope)) {
        throw new ForbiddenError(
          `This API token lacks the ${rule.scope ?? 'admin:*'} scope.`,
          'insufficient_scope',
        );
      }
    },
  };

  const plugin: FastifyPluginAsync = async (app) => {
    if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
    app.decorateRequest('staff', null);
    app.decorateRequest('auditEvent', null);
    app.decorate('staffAuth', authenticator);

    const registry: RouteAccess[] = [];
    registries.set(app, registry);
    app.addHook('onRoute', (route) => {
      let rule = declaredRule(route.onRequest) ?? declaredRule(route.preHandler);
      if (!rule && route.config?.access) {
        rule = route.config.access;
        route.onRequest = withHook(route.onRequest, requireRole(rule.role, rule));
      }
      if (!rule && route.url.startsWith('/api/v1/admin/')) {
        rule = { role: 'admin' };
        route.onRequest = withHook(route.onRequest, requireRole('admin'));
      }
      for (const method of [route.method].flat()) {
        registry.push({
          method,
          url: route.url,
          access: rule ?? null,
          public: isPublicRoute(method, route.url),
        });
      }
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const url = request.routeOptions.url;
      if (
        SAFE_METHODS.has(request.method) ||
        reply.statusCode >= 400 ||
        !url ||
        !AUDITED_PREFIXES.some((p) => url.startsWith(p))
      ) {
        return payload;
      }
      const event = request.auditEvent;
      const params = (request.params ?? {}) as Record<string, unknown>;
      await audit.recordSafely({
        actor: event?.actor ?? actorOf(request),
        action: event?.action ?? `${request.method} ${url}`,
        targetType: event?.targetType ?? null,
        targetId: event?.targetId ?? (typeof params.id === 'string' ? params.id : null),
        ip: request.ip,
        requestId: String(request.id),
        details: event?.details ?? { status: reply.statusCode },
      });
      return payload;
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
