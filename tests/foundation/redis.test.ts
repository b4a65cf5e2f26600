import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const REDIS = process.env.TEST_REDIS_URL;

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

let server: TestServer | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await server?.close();
  await proxy?.close();
  server = undefined;
  proxy = undefined;
});

describe.runIf(Boolean(REDIS))('Redis as an optional dependency', () => {
  it('falls back when Redis goes down, warns once, and uses Redis again when it returns', async () => {
    const target = new URL(REDIS!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    server = await startTestServer({
      env: { REDIS_URL: proxy.url(REDIS!), REDIS_KEY_PREFIX: `t${Date.now()}:` },
    });
    const { cache } = server.runtime;
    const ready = async () =>
      ((await (await fetch(`${server!.url}/health/ready`)).json()) as { redis: string }).redis;

    expect(await eventually(async () => cache.status() === 'up')).toBe(true);
    await cache.set('greeting', 'hello', 60);
    expect(await cache.get('greeting')).toBe('hello');
    expect(await ready()).toBe('up');

    await proxy.cut();
    expect(await eventually(async () => cache.status() === 'degraded')).toBe(true);
    // Service continues: the fallback answers, and readiness stays 200.
    await cache.set('during-outage', 'kept locally', 60);
    expect(await cache.get('during-outage')).toBe('kept locally');
    expect(await cache.incr('counter', 60)).toBe(1);
    const res = await fetch(`${server.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { redis: string }).redis).toBe('degraded');

    await proxy.restore();
    expect(await eventually(async () => cache.status() === 'up')).toBe(true);
    expect(await cache.get('greeting')).toBe('hello');
    expect(await ready()).toBe('up');

    // One warning per state change from each part that uses Redis (the cache, the live-event bus).
    const warnings = server.logs.filter(
      (l) => l.level === 'warn' && String(l.msg).includes('Redis is unreachable'),
    );
    const cacheWarnings = warnings.filter((l) => String(l.msg).includes('in-process fallback'));
    expect(cacheWarnings).toHaveLength(1);
    expect(warnings.length - cacheWarnings.length).toBeLessThanOrEqual(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/frontdesk_redis_up 1/);
    expect(metrics).toMatch(/frontdesk_redis_fallback_total [1-9]/);
  });
});
