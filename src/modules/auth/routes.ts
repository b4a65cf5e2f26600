/** Staff sign-in, first-admin setup, staff accounts and API tokens. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnsupportedMediaTypeError } from '../../http/errors.js';
import { auditAs, requireRole } from './guard.js';
import {
  createTokenBodySchema,
  createUserBodySchema,
  createdTokenSchema,
  idParamsSchema,
  loginBodySchema,
  meResponseSchema,
  passwordBodySchema,
  sessionResponseSchema,
  setupBodySchema,
  staffUserDetailsSchema,
  staffUserSchema,
  tokenSchema,
  updateUserBodySchema,
} from './schema.js';
import type { AuthService } from './service.js';

/** Credentials only as JSON: a cross-site form cannot send it, which stops login CSRF. */
async function requireJson(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new UnsupportedMediaTypeError('Send this request as application/json.');
  }
}

const admin = () => requireRole('admin', { scope: 'admin:*' });

export function authRoutes(deps: { auth: AuthService }): FastifyPluginAsync {
  const { auth } = deps;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    // --- sign-in --------------------------------------------------------------------------------

    r.post(
      '/api/v1/auth/login',
      {
        onRequest: requireJson,
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password (sets the session cookie)',
          body: loginBodySchema,
          response: { 200: sessionResponseSchema },
        },
      },
      async (request, reply) => {
        const previous = app.staffAuth.sessionCookie(request);
        const session = await auth.login(request.body, { ip: request.ip, requestId: String(request.id) });
        if (previous) await auth.logout({ token: previous });
        app.staffAuth.setSessionCookie(reply, session.sessionToken, session.maxAgeSeconds);
        reply.header('cache-control', 'no-store');
        auditAs(request, {
          action: 'auth.login',
          actor: { type: 'user', id: session.user.id },
          targetType: 'staff_user',
          targetId: session.user.id,
        });
        return { user: session.user, csrfToken: session.csrfToken };
      },
    );

    r.get(
      '/api/v1/auth/me',
      {
        onRequest: requireRole('viewer', { via: 'session' }),
        schema: {
          tags: ['auth'],
          summary: 'The signed-in staff member and the CSRF token of the session',
          response: { 200: meResponseSchema },
        },
      },
      async (request, reply) => {
        const staff = request.staff;
        if (staff?.kind !== 'user') throw new Error('guard let a non-session caller through');
        reply.header('cache-control', 'no-store');
        return {
          user: { id: staff.id, email: staff.email, name: staff.name, role: staff.role },
          csrfToken: staff.csrfToken,
        };
      },
    );

    r.post(
      '/api/v1/auth/logout',
      {
        onRequest: requireRole('viewer', { via: 'session' }),
        schema: { tags: ['auth'], summary: 'End the session (needs x-csrf-token)' },
      },
      async (request, reply) => {
        const staff = request.staff;
        if (staff?.kind === 'user') await auth.logout({ hash: staff.sessionHash });
        app.staffAuth.clearSessionCookie(reply);
        auditAs(request, { action: 'auth.logout', targetType: 'staff_user', targetId: staff?.id });
        return reply.code(204).send();
      },
    );

    r.post(
      '/api/v1/auth/setup',
      {
        onRequest: requireJson,
        schema: {
          tags: ['auth'],
          summary: 'Create the first admin with the one-time setup token (refused once an admin exists)',
          body: setupBodySchema,
          response: { 201: z.object({ user: staffUserSchema }) },
        },
      },
      async (request, reply) => {
        const user = await auth.completeSetup(request.body);
        auditAs(request, {
          action: 'auth.setup',
          actor: { type: 'user', id: user.id },
          targetType: 'staff_user',
          targetId: user.id,
          details: { role: user.role },
        });
        return reply.code(201).send({ user });
      },
    );

    // --- staff accounts -------------------------------------------------------------------------

    r.get(
      '/api/v1/admin/users',
      {
        onRequest: admin(),
        schema: {
          tags: ['admin'],
          summary: 'List staff accounts',
          response: { 200: z.object({ users: z.array(staffUserDetailsSchema) }) },
        },
      },
      async () => ({ users: await auth.listUsers() }),
    );

    r.post(
      '/api/v1/admin/users',
      {
        onRequest: admin(),
        schema: {
          tags: ['admin'],
          summary: 'Create a staff account',
          body: createUserBodySchema,
          response: { 201: z.object({ user: staffUserDetailsSchema }) },
        },
      },
      async (request, reply) => {
        const user = await auth.createUser(request.body);
        auditAs(request, {
          action: 'user.created',
          targetType: 'staff_user',
          targetId: user.id,
          details: { role: user.role },
        });
        return reply.code(201).send({ user });
      },
    );

    r.patch(
      '/api/v1/admin/users/:id',
      {
        onRequest: admin(),
        schema: {
          tags: ['admin'],
          summary: 'Change the name, role or disabled flag of a staff account',
          params: idParamsSchema,
          body: updateUserBodySchema,
          response: { 200: z.object({ user: staffUserDetailsSchema }) },
        },
      },
      async (request) => {
        const { user, changed } = await auth.updateUser(request.params.id, request.body);
        auditAs(request, {
          action: 'user.updated',
          targetType: 'staff_user',
          targetId: user.id,
          details: { changed, role: user.role, disabled: user.disabled },
        });
        return { user };
      },
    );

    r.post(
      '/api/v1/admin/users/:id/password',
      {
        onRequest: admin(),
        schema: {
          tags: ['admin'],
          summary: "Set a staff member's password (ends their sessions)",
          params: idParamsSchema,
          body: passwordBodySchema,
        },
      },
      async (request, reply) => {
        await auth.resetPassword(request.params.id, request.body.password);
        auditAs(request, {
          action: 'user.password_reset',
          targetType: 'staff_user',
          targetId: request.params.id,
        });
        return reply.code(204).send();
      },
    );

    r.delete(
      '/api/v1/admin/users/:id',
      {
        onRequest: admin(),
        schema: { tags: ['admin'], summary: 'Delete a staff account', params: idParamsSchema },
      },
      async (request, reply) => {
        await auth.deleteUser(request.params.id);
        auditAs(request, { action: 'user.deleted', targetType: 'staff_user', targetId: request.params.id });
        return reply.code(204).send();
      },
    );

    // --- API tokens -----------------------------------------------------------------------------

    r.get(
      '/api/v1/admin/tokens',
      {
        onRequest: admin(),
        schema: {
          tags: ['admin'],
          summary: 'List API tokens (never their secrets)',
          response: { 200: z.object({ tokens: z.array(tokenSchema) }) },
        },
      },
      async () => ({ tokens: await auth.listApiTokens() }),
    );

    r.post(
      '/api/v1/admin/tokens',
      {
        onRequest: admin(),
        schema: {
          tags: ['admin'],
          summary: 'Create an API token (the secret is returned once)',
          body: createTokenBodySchema,
          response: { 201: createdTokenSchema },
        },
      },
      async (request, reply) => {
        const creator = request.staff?.kind === 'user' ? request.staff.id : null;
        const { token, info } = await auth.createApiToken(request.body, creator);
        auditAs(request, {
          action: 'token.created',
          targetType: 'api_token',
          targetId: info.id,
          details: { role: info.role, scopes: info.scopes, expiresAt: info.expiresAt },
        });
        reply.header('cache-control', 'no-store');
        return reply.code(201).send({ ...info, token });
      },
    );

    r.delete(
      '/api/v1/admin/tokens/:id',
      {
        onRequest: admin(),
        schema: { tags: ['admin'], summary: 'Revoke an API token', params: idParamsSchema },
      },
      async (request, reply) => {
        const { alreadyRevoked } = await auth.revokeApiToken(request.params.id);
        auditAs(request, {
          action: 'token.revoked',
          targetType: 'api_token',
          targetId: request.params.id,
          details: { alreadyRevoked },
        });
        return reply.code(204).send();
      },
    );
  };
}
