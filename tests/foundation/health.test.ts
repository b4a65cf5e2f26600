import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets, freshServerDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(databaseTargets())('health on %s database', (database) => {
  it('is live and ready, with the request id echoed', async () => {
    server = await startTestServer({ database });
    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/health/ready`, { headers: { 'x-request-id': 'ready-1' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBe('ready-1');
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'up', redis: 'disabled' });
  });

  it('stays ready with "redis": "degraded" when the configured Redis is down', async () => {
    server = await startTestServer({
      database,
      env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` },
    });
    const res = await fetch(`${server.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', database: 'up', redis: 'degraded' });
  });
});

describe('readiness when the database goes down', () => {
  it('embedded: 503 once the database is closed', async () => {
    server = await startTestServer({ database: 'embedded' });
    await server.runtime.db.close();
    const res = await fetch(`${server.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', database: 'down' });
    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);
  });

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))(
    'server: 503 while unreachable, 200 when it returns',
    async () => {
      const db = await freshServerDatabase();
      const target = new URL(db.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      try {
        server = await startTestServer({
          env: { DATABASE_URL: proxy.url(db.url) },
          database: 'embedded',
          dataDir: '/nonexistent',
        });
        expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
        await proxy.cut();
        const down = await fetch(`${server.url}/health/ready`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ database: 'down' });
        await proxy.restore();
        const back = await waitFor(
          () => fetch(`${server!.url}/health/ready`).then((r) => r.status),
          (s) => s === 200,
        );
        expect(back).toBe(200);
      } finally {
        await server?.close();
        server = undefined;
        await proxy.close();
        await db.drop();
      }
    },
  );
});
