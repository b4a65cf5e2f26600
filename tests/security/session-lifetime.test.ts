/** Session idle/absolute expiry and id rotation, failed-login slow-down and the per-address lock. */
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, StaffClient, setupAdmin, sleep } from './staff-client.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(databaseTargets())('session lifetime on %s database', (database) => {
  it('rotates the session id while in use; the old id stops working, the CSRF token stays', async () => {
    server = await startTestServer({ database, env: { AUTH_SESSION_ROTATE_SECONDS: '1' } });
    const admin = await setupAdmin(server);
    const first = admin.cookie;
    await sleep(1_200);
    const me = await admin.call('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(admin.cookie).toBeDefined();
    expect(admin.cookie).not.toBe(first);
    expect(admin.setCookies.join()).toMatch(/HttpOnly/);
    expect(((await me.json()) as { csrfToken: string }).csrfToken).toBe(admin.csrfToken);

    const stale = new StaffClient(server.url);
    stale.cookie = first;
    expect((await stale.call('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await admin.call('GET', '/api/v1/admin/users')).status).toBe(200);
  });

  it('uses a __Host- cookie with Secure in production', async () => {
    const secret = 'k3Jx9vQ2mZp7Lr4Tw8Yb6Nc1Hd5Fg0Sa';
    server = await startTestServer({
      database,
      env: { NODE_ENV: 'production', SESSION_SECRET: secret, METRICS_TOKEN: `${secret}m`, HOST: '127.0.0.1' },
    });
    await setupAdmin(server);
    const client = new StaffClient(server.url, '__Host-fd_session');
    const res = await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = client.setCookies.find((c) => c.startsWith('__Host-fd_session='));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect((await client.call('GET', '/api/v1/auth/me')).status).toBe(200);
  });

  it('ends a session left idle', async () => {
    server = await startTestServer({ database, env: { AUTH_SESSION_IDLE_SECONDS: '1' } });
    const admin = await setupAdmin(server);
    expect((await admin.call('GET', '/api/v1/auth/me')).status).toBe(200);
    await sleep(1_500);
    const res = await admin.call('GET', '/api/v1/auth/me');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('ends a session at its absolute lifetime even while in use', async () => {
    server = await startTestServer({
      database,
      env: { AUTH_SESSION_TTL_SECONDS: '2', AUTH_SESSION_IDLE_SECONDS: '60' },
    });
    const admin = await setupAdmin(server);
    expect(admin.setCookies.join()).toMatch(/Max-Age=2/);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 6_000) {
      status = (await admin.call('GET', '/api/v1/auth/me')).status;
      if (status === 200) await sleep(300);
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  it('answers each failure more slowly, then locks the address across accounts', async () => {
    server = await startTestServer({
      database,
      env: {
        AUTH_LOGIN_DELAY_MS: '200',
        AUTH_LOGIN_DELAY_MAX_MS: '400',
        AUTH_LOGIN_MAX_FAILURES: '100',
        AUTH_LOGIN_MAX_FAILURES_PER_IP: '4',
        AUTH_LOGIN_LOCK_SECONDS: '30',
      },
    });
    await setupAdmin(server);
    const client = new StaffClient(server.url);
    const timed = async (email: string) => {
      const t = Date.now();
      const res = await client.login(email, 'Wrong-Password-123');
      return { status: res.status, ms: Date.now() - t, res };
    };
    const a = await timed('a@example.pl');
    const b = await timed('b@example.pl');
    const c = await timed('c@example.pl');
    expect([a.status, b.status, c.status]).toEqual([401, 401, 401]);
    expect(a.ms).toBeGreaterThanOrEqual(190);
    expect(b.ms).toBeGreaterThanOrEqual(390);
    expect(c.ms).toBeGreaterThanOrEqual(390);
    const d = await timed('d@example.pl');
    expect(d.status).toBe(429);
    const right = await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
