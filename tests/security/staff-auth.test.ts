/** Staff sign-in, sessions, CSRF, roles, API tokens and the audit log, through the real HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  StaffClient,
  createToken,
  setupAdmin,
  setupTokenFrom,
  staffPassword,
  staffWithRole,
} from './staff-client.js';

const FAST_LOGIN = {
  AUTH_LOGIN_DELAY_MS: '1',
  AUTH_LOGIN_MAX_FAILURES: '3',
  AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000',
  AUTH_LOGIN_LOCK_SECONDS: '120',
};

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

async function auditEntries(admin: StaffClient, query = ''): Promise<Array<Record<string, unknown>>> {
  const res = await admin.call('GET', `/api/v1/admin/audit?limit=200${query}`);
  expect(res.status).toBe(200);
  return (await json<{ entries: Array<Record<string, unknown>> }>(res)).entries;
}

describe.each(databaseTargets())('staff authentication on %s database', (database) => {
  let server: TestServer;
  let admin: StaffClient;

  beforeAll(async () => {
    server = await startTestServer({ database, env: FAST_LOGIN });
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('first admin through the one-time setup link', () => {
    it('logs a setup link at warn, never a default password', () => {
      const line = server.logs.find((l) => typeof l.setupUrl === 'string');
      expect(line?.level).toBe('warn');
      expect(String(line?.setupUrl)).toMatch(/\/admin\/setup\?token=[A-Za-z0-9_-]{43}$/);
      expect(server.rawLogs()).not.toMatch(/password/i);
    });

    it('refuses a wrong token and a weak password, creating nothing', async () => {
      const wrong = await fetch(`${server.url}/api/v1/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: 'x'.repeat(43),
          email: ADMIN_EMAIL,
          name: 'O',
          password: ADMIN_PASSWORD,
        }),
      });
      expect(wrong.status).toBe(403);
      expect(await json(wrong)).toMatchObject({ error: 'invalid_setup_token' });
      const weak = await fetch(`${server.url}/api/v1/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: setupTokenFrom(server),
          email: ADMIN_EMAIL,
          name: 'O',
          password: 'short',
        }),
      });
      expect(weak.status).toBe(400);
      expect(await json(weak)).toMatchObject({ error: 'weak_password' });
      const nobody = await new StaffClient(server.url).login(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(nobody.status).toBe(401);
    });

    it('creates the first admin once; the link and the API are refused afterwards', async () => {
      admin = await setupAdmin(server);
      const again = await fetch(`${server.url}/api/v1/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: setupTokenFrom(server),
          email: 'second@example.pl',
          name: 'Second',
          password: 'Another-Strong-Pass-1',
        }),
      });
      expect(again.status).toBe(409);
      expect(await json(again)).toMatchObject({ error: 'setup_done' });
    });
  });

  describe('sign-in and sessions', () => {
    it('sets an httpOnly, SameSite=Strict session cookie and answers /me', async () => {
      const client = new StaffClient(server.url);
      const res = await client.login(ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD);
      expect(res.status).toBe(200);
      const body = await json<{ user: Record<string, unknown>; csrfToken: string }>(res);
      expect(body.user).toMatchObject({ email: ADMIN_EMAIL, role: 'admin', name: 'Owner' });
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = client.setCookies.find((c) => c.startsWith('fd_session='));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Secure/);
      const me = await client.call('GET', '/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(await json(me)).toMatchObject({ user: { email: ADMIN_EMAIL }, csrfToken: body.csrfToken });
    });

    it('answers the same 401 for an unknown e-mail and a wrong password', async () => {
      const unknown = await new StaffClient(server.url).login('nobody@example.pl', ADMIN_PASSWORD);
      const wrong = await new StaffClient(server.url).login(ADMIN_EMAIL, 'Not-The-Password-1');
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      const a = await json(unknown);
      const b = await json(wrong);
      expect(a.error).toBe('invalid_credentials');
      expect(b.error).toBe('invalid_credentials');
      expect(a.message).toBe(b.message);
    });

    it('accepts credentials only as JSON', async () => {
      const form = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      });
      expect(form.status).toBe(415);
      expect(form.headers.getSetCookie()).toEqual([]);
    });

    it('logout needs the CSRF header and ends the session', async () => {
      const client = new StaffClient(server.url);
      await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const noCsrf = await client.call('POST', '/api/v1/auth/logout', { csrf: false });
      expect(noCsrf.status).toBe(403);
      expect(await json(noCsrf)).toMatchObject({ error: 'csrf_failed' });
      expect((await client.call('GET', '/api/v1/auth/me')).status).toBe(200);
      const oldCookie = client.cookie;
      const out = await client.call('POST', '/api/v1/auth/logout');
      expect(out.status).toBe(204);
      client.cookie = oldCookie;
      expect((await client.call('GET', '/api/v1/auth/me')).status).toBe(401);
    });

    it('a fresh login replaces the session it was made from', async () => {
      const client = new StaffClient(server.url);
      await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const first = client.cookie;
      await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(client.cookie).not.toBe(first);
      const stale = new StaffClient(server.url);
      stale.cookie = first;
      expect((await stale.call('GET', '/api/v1/auth/me')).status).toBe(401);
      expect((await client.call('GET', '/api/v1/auth/me')).status).toBe(200);
    });
  });

  describe('CSRF on cookie-authenticated writes', () => {
    it('refuses a missing or wrong x-csrf-token with 403 and changes nothing', async () => {
      const email = 'csrf-target@example.pl';
      const body = { email, name: 'Target', role: 'viewer', password: 'Some-Strong-Pass-9' };
      const missing = await admin.call('POST', '/api/v1/admin/users', { body, csrf: false });
      expect(missing.status).toBe(403);
      expect(await json(missing)).toMatchObject({ error: 'csrf_failed' });
      const wrong = await admin.call('POST', '/api/v1/admin/users', { body, csrf: 'A'.repeat(43) });
      expect(wrong.status).toBe(403);
      const users = await json<{ users: Array<{ email: string }> }>(
        await admin.call('GET', '/api/v1/admin/users'),
      );
      expect(users.users.map((u) => u.email)).not.toContain(email);
      const ok = await admin.call('POST', '/api/v1/admin/users', { body });
      expect(ok.status).toBe(201);
    });
  });

  describe('lockout after repeated failures', () => {
    it('locks the account with 429 and Retry-After, even for the right password', async () => {
      const victim = await staffWithRole(server, admin, 'operator', 'locked@example.pl');
      void victim;
      const client = new StaffClient(server.url);
      expect((await client.login('locked@example.pl', 'Wrong-Password-01')).status).toBe(401);
      expect((await client.login('LOCKED@example.pl', 'Wrong-Password-02')).status).toBe(401);
      const third = await client.login('locked@example.pl', 'Wrong-Password-03');
      expect(third.status).toBe(429);
      const right = await client.login('locked@example.pl', staffPassword('operator'));
      expect(right.status).toBe(429);
      expect(await json(right)).toMatchObject({ error: 'login_locked' });
      const retryAfter = Number(right.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(60);
      expect(retryAfter).toBeLessThanOrEqual(120);
      // Another account from the same address is not affected by this account's lock.
      expect((await new StaffClient(server.url).login(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
      const locked = await auditEntries(admin, '&action=auth.login_locked');
      expect(locked.some((e) => e.targetId === victim.id)).toBe(true);
    });

    it('unknown e-mails are locked the same way (no account enumeration)', async () => {
      const client = new StaffClient(server.url);
      for (let i = 0; i < 2; i++)
        expect((await client.login('ghost@example.pl', `Nope-${i}-aaaaaaaa`)).status).toBe(401);
      expect((await client.login('ghost@example.pl', 'Nope-x-aaaaaaaa')).status).toBe(429);
    });
  });

  describe('roles', () => {
    it('a viewer or operator gets 403 on admin routes; an admin passes', async () => {
      const viewer = await staffWithRole(server, admin, 'viewer');
      const operator = await staffWithRole(server, admin, 'operator');
      for (const client of [viewer, operator]) {
        const list = await client.call('GET', '/api/v1/admin/users');
        expect(list.status).toBe(403);
        expect(await json(list)).toMatchObject({ error: 'forbidden' });
        const write = await client.call('POST', '/api/v1/admin/tokens', {
          body: { name: 'x', scopes: ['leads:read'] },
        });
        expect(write.status).toBe(403);
        expect((await client.call('GET', '/api/v1/admin/audit')).status).toBe(403);
      }
      expect((await admin.call('GET', '/api/v1/admin/users')).status).toBe(200);
    });

    it('role changes apply at once; a disabled account loses its sessions', async () => {
      const viewer = await staffWithRole(server, admin, 'viewer');
      expect((await viewer.call('GET', '/api/v1/admin/users')).status).toBe(403);
      const promote = await admin.call('PATCH', `/api/v1/admin/users/${viewer.id}`, {
        body: { role: 'admin' },
      });
      expect(promote.status).toBe(200);
      expect((await viewer.call('GET', '/api/v1/admin/users')).status).toBe(200);
      const disable = await admin.call('PATCH', `/api/v1/admin/users/${viewer.id}`, {
        body: { disabled: true },
      });
      expect(disable.status).toBe(200);
      expect((await viewer.call('GET', '/api/v1/auth/me')).status).toBe(401);
    });

    it('never removes the last admin', async () => {
      const me = await json<{ user: { id: string } }>(await admin.call('GET', '/api/v1/auth/me'));
      const users = await json<{ users: Array<{ id: string; role: string; disabled: boolean }> }>(
        await admin.call('GET', '/api/v1/admin/users'),
      );
      // Demote every other active admin first, so the owner is the last one.
      for (const u of users.users) {
        if (u.id !== me.user.id && u.role === 'admin' && !u.disabled) {
          expect(
            (await admin.call('PATCH', `/api/v1/admin/users/${u.id}`, { body: { role: 'viewer' } })).status,
          ).toBe(200);
        }
      }
      for (const change of [{ role: 'operator' }, { disabled: true }]) {
        const res = await admin.call('PATCH', `/api/v1/admin/users/${me.user.id}`, { body: change });
        expect(res.status).toBe(409);
        expect(await json(res)).toMatchObject({ error: 'last_admin' });
      }
      const del = await admin.call('DELETE', `/api/v1/admin/users/${me.user.id}`);
      expect(del.status).toBe(409);
      expect((await admin.call('GET', '/api/v1/auth/me')).status).toBe(200);
    });

    it('a new password works and ends the old sessions; bad input changes nothing', async () => {
      const operator = await staffWithRole(server, admin, 'operator', 'reset@example.pl');
      const weak = await admin.call('POST', `/api/v1/admin/users/${operator.id}/password`, {
        body: { password: 'short' },
      });
      expect(weak.status).toBe(400);
      expect((await operator.call('GET', '/api/v1/auth/me')).status).toBe(200);
      const unknownField = await admin.call('PATCH', `/api/v1/admin/users/${operator.id}`, {
        body: { role: 'root' },
      });
      expect(unknownField.status).toBe(400);
      const badId = await admin.call('PATCH', '/api/v1/admin/users/not-an-id', { body: { name: 'x' } });
      expect(badId.status).toBe(400);
      const ok = await admin.call('POST', `/api/v1/admin/users/${operator.id}/password`, {
        body: { password: 'Brand-New-Password-7' },
      });
      expect(ok.status).toBe(204);
      expect((await operator.call('GET', '/api/v1/auth/me')).status).toBe(401);
      expect(
        (await new StaffClient(server.url).login('reset@example.pl', 'Brand-New-Password-7')).status,
      ).toBe(200);
      const dup = await admin.call('POST', '/api/v1/admin/users', {
        body: { email: 'RESET@example.pl', name: 'Dup', role: 'viewer', password: 'Some-Strong-Pass-9' },
      });
      expect(dup.status).toBe(409);
      expect(await json(dup)).toMatchObject({ error: 'email_taken' });
    });
  });

  describe('API tokens', () => {
    it('is shown once, listed without its secret, and authenticates with its role and scopes', async () => {
      const created = await createToken(admin, {
        name: 'CRM export',
        scopes: ['leads:read'],
        role: 'operator',
      });
      expect(created.token).toMatch(/^fd_[A-Za-z0-9_-]{43}$/);
      const list = await admin.call('GET', '/api/v1/admin/tokens');
      const text = await list.text();
      expect(text).toContain(created.id);
      expect(text).not.toContain(created.token);
      const bearer = { authorization: `Bearer ${created.token}` };
      // The token's scope does not cover admin routes; its role is below admin anyway.
      const admins = await fetch(`${server.url}/api/v1/admin/users`, { headers: bearer });
      expect(admins.status).toBe(403);
      // Session-only routes refuse tokens.
      expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: bearer })).status).toBe(403);
    });

    it('enforces scopes: an admin-role token without admin:* cannot manage users', async () => {
      const narrow = await createToken(admin, {
        name: 'narrow',
        scopes: ['conversations:read'],
        role: 'admin',
      });
      const res = await fetch(`${server.url}/api/v1/admin/users`, {
        headers: { authorization: `Bearer ${narrow.token}` },
      });
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ error: 'insufficient_scope' });
      const full = await createToken(admin, { name: 'full', scopes: ['admin:*'], role: 'admin' });
      const ok = await fetch(`${server.url}/api/v1/admin/users`, {
        headers: { authorization: `Bearer ${full.token}` },
      });
      expect(ok.status).toBe(200);
      // Token writes need no CSRF header: no cookie is involved.
      const write = await fetch(`${server.url}/api/v1/admin/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${full.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'made by token', scopes: ['leads:read'] }),
      });
      expect(write.status).toBe(201);
    });

    it('refuses unknown scopes and admin:* below the admin role', async () => {
      const unknown = await admin.call('POST', '/api/v1/admin/tokens', {
        body: { name: 'x', scopes: ['root'] },
      });
      expect(unknown.status).toBe(400);
      expect(await json(unknown)).toMatchObject({ error: 'unknown_scope' });
      const mismatch = await admin.call('POST', '/api/v1/admin/tokens', {
        body: { name: 'x', scopes: ['admin:*'], role: 'viewer' },
      });
      expect(mismatch.status).toBe(400);
    });

    it('a revoked, made-up or malformed token gets 401', async () => {
      const full = await createToken(admin, { name: 'to revoke', scopes: ['admin:*'], role: 'admin' });
      const headers = { authorization: `Bearer ${full.token}` };
      expect((await fetch(`${server.url}/api/v1/admin/tokens`, { headers })).status).toBe(200);
      expect((await admin.call('DELETE', `/api/v1/admin/tokens/${full.id}`)).status).toBe(204);
      const revoked = await fetch(`${server.url}/api/v1/admin/tokens`, { headers });
      expect(revoked.status).toBe(401);
      expect(await json(revoked)).toMatchObject({ error: 'invalid_token' });
      for (const value of [`Bearer fd_${'a'.repeat(43)}`, 'Bearer nonsense', 'Basic Zm9vOmJhcg==']) {
        expect(
          (await fetch(`${server.url}/api/v1/admin/tokens`, { headers: { authorization: value } })).status,
        ).toBe(401);
      }
      expect(
        (await admin.call('DELETE', '/api/v1/admin/tokens/00000000-0000-4000-8000-000000000000')).status,
      ).toBe(404);
    });

    it('an expired token gets 401', async () => {
      const token = await createToken(admin, {
        name: 'short-lived',
        scopes: ['admin:*'],
        role: 'admin',
        expiresInDays: 1,
      });
      await server.runtime.db.query(
        `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [token.id],
      );
      const res = await fetch(`${server.url}/api/v1/admin/tokens`, {
        headers: { authorization: `Bearer ${token.token}` },
      });
      expect(res.status).toBe(401);
    });
  });

  describe('audit log', () => {
    it('records admin writes with actor, action, target and request id; no personal data', async () => {
      const res = await admin.call('POST', '/api/v1/admin/users', {
        headers: { 'x-request-id': 'audit-check-1' },
        body: {
          email: 'audited@example.pl',
          name: 'Jan Kowalski',
          role: 'viewer',
          password: 'Some-Strong-Pass-9',
        },
      });
      expect(res.status).toBe(201);
      const { user } = await json<{ user: { id: string } }>(res);
      const me = await json<{ user: { id: string } }>(await admin.call('GET', '/api/v1/auth/me'));
      const [entry] = await auditEntries(admin, '&action=user.created');
      expect(entry).toMatchObject({
        actorType: 'user',
        actorId: me.user.id,
        action: 'user.created',
        targetType: 'staff_user',
        targetId: user.id,
        requestId: 'audit-check-1',
        details: { role: 'viewer' },
      });
      expect(String(entry?.ipHash)).toMatch(/^[0-9a-f]{32}$/);
      const all = JSON.stringify(await auditEntries(admin));
      expect(all).not.toContain('audited@example.pl');
      expect(all).not.toContain('Kowalski');
      expect(all).not.toContain('127.0.0.1');
      expect(all).not.toContain('Some-Strong-Pass-9');
    });

    it('records sign-ins, failures, token creation and revocation', async () => {
      const actions = new Set((await auditEntries(admin)).map((e) => e.action));
      for (const action of [
        'auth.setup',
        'auth.login',
        'auth.login_failed',
        'auth.logout',
        'token.created',
        'token.revoked',
        'user.updated',
        'user.password_reset',
      ]) {
        expect(actions, action).toContain(action);
      }
    });

    it('does not record refused writes', async () => {
      const before = (await auditEntries(admin)).length;
      await admin.call('POST', '/api/v1/admin/users', { body: { email: 'x@example.pl' } });
      await admin.call('POST', '/api/v1/admin/users', {
        csrf: false,
        body: { email: 'y@example.pl', name: 'y', role: 'viewer', password: 'Some-Strong-Pass-9' },
      });
      expect((await auditEntries(admin)).length).toBe(before);
    });

    it('pages newest first and filters by actor and action', async () => {
      const page1 = await json<{ entries: Array<{ id: string }>; nextBefore: string | null }>(
        await admin.call('GET', '/api/v1/admin/audit?limit=2'),
      );
      expect(page1.entries).toHaveLength(2);
      expect(page1.nextBefore).toBe(page1.entries[1]!.id);
      const page2 = await json<{ entries: Array<{ id: string }> }>(
        await admin.call('GET', `/api/v1/admin/audit?limit=2&before=${page1.nextBefore}`),
      );
      expect(Number(page2.entries[0]!.id)).toBeLessThan(Number(page1.entries[1]!.id));
      const me = await json<{ user: { id: string } }>(await admin.call('GET', '/api/v1/auth/me'));
      const mine = await auditEntries(admin, `&actor=${me.user.id}`);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => e.actorId === me.user.id)).toBe(true);
      expect((await admin.call('GET', '/api/v1/admin/audit?limit=0')).status).toBe(400);
      expect((await admin.call('GET', '/api/v1/admin/audit?before=abc')).status).toBe(400);
    });

    it('is append-only in the database', async () => {
      await expect(server.runtime.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(server.runtime.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    });
  });
});
