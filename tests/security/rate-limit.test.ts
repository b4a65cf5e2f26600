import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { chat, eventually, metricsText, startOfFreshWindow } from './abuse-helpers.js';

const REDIS = process.env.TEST_REDIS_URL;

const servers: TestServer[] = [];
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await proxy?.close();
  proxy = undefined;
});

async function start(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({
    env: {
      RATE_LIMIT_ENABLED: 'true',
      TRUST_PROXY: 'true',
      CHAT_MIN_INTERVAL_MS: '0',
      BLOCK_AFTER_VIOLATIONS: '1000',
      AUTH_LOGIN_DELAY_MS: '0',
      ...env,
    },
  });
  servers.push(server);
  return server;
}

let attempt = 0;
/** A failed sign-in (a new account name each time, so the per-account lockout never applies). */
async function login(server: TestServer, ip?: string): Promise<Response> {
  attempt++;
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify({ email: `nobody${attempt}@example.pl`, password: 'wrong-password-123' }),
  });
}

async function expectRateLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ error: 'rate_limited', requestId: res.headers.get('x-request-id') });
  expect(typeof body.message).toBe('string');
}

describe('rate limits', () => {
  it('limits sign-in attempts per client address, honouring TRUST_PROXY', async () => {
    const server = await start({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    await startOfFreshWindow();
    for (let i = 0; i < 3; i++) expect((await login(server, '198.51.100.7')).status).toBe(401);
    await expectRateLimited(await login(server, '198.51.100.7'));
    // Another address has its own counter.
    expect((await login(server, '198.51.100.8')).status).toBe(401);
    const metrics = await metricsText(server);
    expect(metrics).toMatch(/frontdesk_rate_limited_total\{rule="login"\} 1/);
  });

  it('limits chat messages per address and per session; a limited message is not stored', async () => {
    const server = await start({ RATE_LIMIT_CHAT_PER_MINUTE: '3', RATE_LIMIT_CHAT_SESSION_PER_MINUTE: '2' });
    await startOfFreshWindow();
    // Per address: three new conversations, the fourth is refused.
    for (let i = 0; i < 3; i++)
      expect((await chat(server, 'Dzień dobry', { ip: '203.0.113.1' })).status).toBe(200);
    const refused = await chat(server, 'Dzień dobry', { ip: '203.0.113.1' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Per session: each message comes from a different address, so only the session rule applies.
    const first = await chat(server, 'Ile kosztuje pakiet Comfort?', { ip: '203.0.113.10' });
    const sessionId = String(first.body.sessionId);
    const secret = String(first.body.sessionSecret);
    for (const ip of ['203.0.113.11', '203.0.113.12']) {
      expect((await chat(server, 'A Premium?', { sessionId, secret, ip })).status).toBe(200);
    }
    const limited = await chat(server, 'A Express?', { sessionId, secret, ip: '203.0.113.13' });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('rate_limited');

    const transcript = await fetch(`${server.url}/api/v1/chat/${sessionId}/messages`, {
      headers: { 'x-session-secret': secret, 'x-forwarded-for': '203.0.113.14' },
    });
    const messages = ((await transcript.json()) as { messages: Array<{ text: string }> }).messages;
    expect(messages).toHaveLength(6);
    expect(messages.map((m) => m.text)).not.toContain('A Express?');

    // Another session is not affected.
    expect((await chat(server, 'Dzień dobry', { ip: '203.0.113.15' })).status).toBe(200);
  });

  it('limits nothing when RATE_LIMIT_ENABLED=false', async () => {
    const server = await start({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_LOGIN_PER_MINUTE: '2' });
    for (let i = 0; i < 8; i++) expect((await login(server)).status).toBe(401);
  });

  it('refuses a message that follows the previous one of its session too closely, storing nothing', async () => {
    const server = await start({ CHAT_MIN_INTERVAL_MS: '1500' });
    const first = await chat(server, 'Dzień dobry');
    const sessionId = String(first.body.sessionId);
    const secret = String(first.body.sessionSecret);
    const fast = await chat(server, 'Ile kosztuje Comfort?', { sessionId, secret });
    expect(fast.status).toBe(429);
    expect(fast.body.error).toBe('too_fast');
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const transcript = async () => {
      const res = await fetch(`${server.url}/api/v1/chat/${sessionId}/messages`, {
        headers: { 'x-session-secret': secret },
      });
      return ((await res.json()) as { messages: unknown[] }).messages.length;
    };
    expect(await transcript()).toBe(2);
    // After the interval the same message goes through.
    const accepted = await eventually(async () => {
      const res = await chat(server, 'Ile kosztuje Comfort?', { sessionId, secret });
      return res.status === 200 ? res : undefined;
    });
    expect(accepted).toBeTruthy();
    expect(await transcript()).toBe(4);
    expect(await metricsText(server)).toMatch(/frontdesk_rate_limited_total\{rule="too_fast"\} [1-9]/);
  });
});

describe.runIf(Boolean(REDIS))('rate limits with Redis', () => {
  it('shares counters between two instances on the same Redis', async () => {
    const prefix = `rl${Date.now()}:`;
    const env = { REDIS_URL: REDIS!, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_LOGIN_PER_MINUTE: '4' };
    const a = await start(env);
    const b = await start(env);
    expect(
      await eventually(async () => a.runtime.cache.status() === 'up' && b.runtime.cache.status() === 'up'),
    ).toBe(true);
    await startOfFreshWindow();
    expect((await login(a, '192.0.2.50')).status).toBe(401);
    expect((await login(b, '192.0.2.50')).status).toBe(401);
    expect((await login(a, '192.0.2.50')).status).toBe(401);
    expect((await login(b, '192.0.2.50')).status).toBe(401);
    await expectRateLimited(await login(a, '192.0.2.50'));
    await expectRateLimited(await login(b, '192.0.2.50'));
  });

  it('keeps limiting from memory while Redis is down', async () => {
    const target = new URL(REDIS!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const server = await start({
      REDIS_URL: proxy.url(REDIS!),
      REDIS_KEY_PREFIX: `rl${Date.now()}:`,
      RATE_LIMIT_LOGIN_PER_MINUTE: '3',
    });
    expect(await eventually(async () => server.runtime.cache.status() === 'up')).toBe(true);
    await proxy.cut();
    expect(await eventually(async () => server.runtime.cache.status() === 'degraded')).toBe(true);
    await startOfFreshWindow();
    for (let i = 0; i < 3; i++) expect((await login(server, '192.0.2.60')).status).toBe(401);
    await expectRateLimited(await login(server, '192.0.2.60'));
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });
});
