import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics.js';
import { createAbuseService } from '../../src/modules/abuse/service.js';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { setupAdmin, type StaffClient } from './staff-client.js';
import { chat, eventually, metricsText, startOfFreshWindow } from './abuse-helpers.js';

interface Entry {
  id: string;
  kind: string;
  value: string;
  reason: string;
  violations: Record<string, number>;
  createdBy: string;
  expiresAt: string;
  active: boolean;
}

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0).reverse()) await server.close();
});

const BASE_ENV = {
  RATE_LIMIT_ENABLED: 'true',
  TRUST_PROXY: 'true',
  CHAT_MIN_INTERVAL_MS: '0',
  BLOCK_AFTER_VIOLATIONS: '3',
  BLOCK_DURATION_MINUTES: '60',
};

async function start(database: 'embedded' | 'postgres', env: Record<string, string> = {}, dataDir?: string) {
  const server = await startTestServer({ database, env: { ...BASE_ENV, ...env }, dataDir });
  servers.push(server);
  return server;
}

/** The admin works from an address of its own (the blocked ones are 203.0.113.x). */
const ADMIN_IP = { 'x-forwarded-for': '198.51.100.200' };

async function entries(admin: StaffClient): Promise<Entry[]> {
  const res = await admin.call('GET', '/api/v1/admin/blocklist', { headers: ADMIN_IP });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Entry[] }).entries;
}

async function widgetConfig(server: TestServer, ip: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/widget/config`, { headers: { 'x-forwarded-for': ip } });
}

describe.each(databaseTargets())('blocklist (%s)', (database) => {
  it('blocks an address after repeated rate-limit hits; staff see the block and lift it', async () => {
    const server = await start(database, { RATE_LIMIT_CHAT_PER_MINUTE: '1' });
    const admin = await setupAdmin(server);
    await startOfFreshWindow();
    const ip = '203.0.113.20';
    expect((await chat(server, 'Dzień dobry', { ip })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await chat(server, 'Dzień dobry', { ip })).status).toBe(429);

    const blocked = await eventually(async () => {
      const res = await widgetConfig(server, ip);
      return res.status === 403 ? res : undefined;
    });
    expect(blocked).toBeTruthy();
    const res = blocked as Response;
    expect(await res.json()).toMatchObject({ error: 'blocked', requestId: res.headers.get('x-request-id') });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Other clients and the health probes are unaffected.
    expect((await widgetConfig(server, '203.0.113.21')).status).toBe(200);
    expect((await fetch(`${server.url}/health/live`, { headers: { 'x-forwarded-for': ip } })).status).toBe(
      200,
    );

    const [entry, ...others] = await entries(admin);
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({
      kind: 'ip',
      value: ip,
      reason: 'rate_limit',
      violations: { rate_limit: 3 },
      createdBy: 'system',
      active: true,
    });
    const metrics = await metricsText(server);
    expect(metrics).toMatch(/frontdesk_blocks_total\{reason="rate_limit"\} 1/);
    expect(metrics).toMatch(/frontdesk_blocked_requests_total\{kind="ip"\} [1-9]/);
    // Log lines never name the blocked address.
    expect(server.rawLogs()).not.toContain(ip);

    const lifted = await admin.call('DELETE', `/api/v1/admin/blocklist/${entry!.id}`, { headers: ADMIN_IP });
    expect(lifted.status).toBe(204);
    expect((await widgetConfig(server, ip)).status).toBe(200);
    expect(await entries(admin)).toHaveLength(0);
    expect(
      (await admin.call('DELETE', `/api/v1/admin/blocklist/${entry!.id}`, { headers: ADMIN_IP })).status,
    ).toBe(404);
  });

  it('blocks a chat session (and its address) after repeated abusive messages', async () => {
    const server = await start(database);
    const admin = await setupAdmin(server);
    const ip = '203.0.113.30';
    const first = await chat(server, 'Jesteś głupi bot', { ip });
    expect(first.status).toBe(200);
    const sessionId = String(first.body.sessionId);
    const secret = String(first.body.sessionSecret);
    // A correction that reads like an injection ("ignore my previous message") is not abuse: it does not
    // count. (Real injection attempts do count: docs/assistant.md, "Guards".)
    expect(
      (
        await chat(server, 'Ignore my previous message, I meant 60 m2', {
          sessionId,
          secret,
          ip,
        })
      ).status,
    ).toBe(200);
    expect((await chat(server, 'Ty idioto', { sessionId, secret, ip })).status).toBe(200);
    expect((await chat(server, 'You are a stupid bot', { sessionId, secret, ip })).status).toBe(200);

    const refused = await eventually(async () => {
      const res = await chat(server, 'Dzień dobry', { sessionId, secret, ip: '203.0.113.31' });
      return res.status === 403 ? res : undefined;
    });
    expect(refused && refused.body.error).toBe('blocked');
    const list = await entries(admin);
    expect(list.map((e) => `${e.kind}:${e.reason}`).sort()).toEqual(['ip:abuse', 'session:abuse']);
    expect(list.find((e) => e.kind === 'session')).toMatchObject({
      value: sessionId,
      violations: { abuse: 3 },
    });
    expect(await metricsText(server)).toMatch(/frontdesk_blocks_total\{reason="abuse"\} 2/);
  });

  it('blocks an address that floods invalid payloads', async () => {
    const server = await start(database);
    const ip = '203.0.113.40';
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/api/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: '{"message": ',
      });
      expect(res.status).toBe(400);
    }
    expect(await eventually(async () => (await widgetConfig(server, ip)).status === 403)).toBe(true);
    expect(await metricsText(server)).toMatch(/frontdesk_blocks_total\{reason="invalid_payload"\} 1/);
  });

  it('lets an admin block an address or a session by hand, validates the input, and survives a restart', async () => {
    const server = await start(database);
    const admin = await setupAdmin(server);
    const add = (body: unknown) => admin.call('POST', '/api/v1/admin/blocklist', { body, headers: ADMIN_IP });

    const created = await add({ kind: 'ip', value: '192.0.2.44', minutes: 5, reason: 'spam from a script' });
    expect(created.status).toBe(201);
    const entry = (await created.json()) as Entry;
    expect(entry).toMatchObject({
      kind: 'ip',
      value: '192.0.2.44',
      reason: 'spam from a script',
      active: true,
    });
    expect(entry.createdBy).toMatch(/^user:/);
    const minutesLeft = (Date.parse(entry.expiresAt) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(4);
    expect(minutesLeft).toBeLessThanOrEqual(5.1);
    expect((await widgetConfig(server, '192.0.2.44')).status).toBe(403);

    // An IPv6 address is blocked with its /64 network.
    const v6 = await add({ kind: 'ip', value: '2001:db8:1:2:aaaa::1', minutes: 5, reason: 'scanner' });
    expect(((await v6.json()) as Entry).value).toBe('2001:db8:1:2::/64');
    expect((await widgetConfig(server, '2001:db8:1:2:bbbb::9')).status).toBe(403);
    expect((await widgetConfig(server, '2001:db8:1:3::9')).status).toBe(200);

    for (const bad of [
      { kind: 'ip', value: 'not-an-address', minutes: 5, reason: 'x' },
      { kind: 'session', value: 'short', minutes: 5, reason: 'x' },
      { kind: 'ip', value: '192.0.2.45', minutes: 0, reason: 'x' },
      { kind: 'user', value: '192.0.2.45', minutes: 5, reason: 'x' },
    ]) {
      const res = await add(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('validation_failed');
    }
    expect(await entries(admin)).toHaveLength(2);

    const audit = await admin.call('GET', '/api/v1/admin/audit?action=blocklist.added', {
      headers: ADMIN_IP,
    });
    const auditEntries = ((await audit.json()) as { entries: Array<Record<string, unknown>> }).entries;
    expect(auditEntries).toHaveLength(2);
    expect(JSON.stringify(auditEntries)).not.toContain('192.0.2.44');

    if (database === 'embedded') {
      const dataDir = server.runtime.config.database.dataDir;
      await server.runtime.close();
      const again = await start(database, {}, dataDir);
      expect((await widgetConfig(again, '192.0.2.44')).status).toBe(403);
      expect((await widgetConfig(again, '192.0.2.46')).status).toBe(200);
    }
  });

  it('keeps an ended block only for the grace period', async () => {
    const server = await start(database);
    const { db, cache, logger } = server.runtime;
    // The server's own first pass of scheduled tasks (which purges the blocklist too) is over first.
    await server.runtime.runScheduledTasks();
    await db.query(
      `INSERT INTO blocklist (kind, value, reason, created_by, expires_at) VALUES
         ('ip', '192.0.2.70', 'rate_limit', 'system', now() - interval '25 hours'),
         ('ip', '192.0.2.71', 'rate_limit', 'system', now() - interval '1 hour'),
         ('ip', '192.0.2.72', 'rate_limit', 'system', now() + interval '1 hour')`,
    );
    const abuse = createAbuseService({
      db,
      cache,
      logger,
      metrics: createMetrics(),
      settings: {
        enabled: true,
        blockAfterViolations: 3,
        violationWindowMinutes: 10,
        blockDurationMinutes: 60,
        chatMinIntervalMs: 0,
      },
    });
    expect(await abuse.purgeExpired()).toEqual({ deleted: 1 });
    const kept = await db.query<{ value: string }>('SELECT value FROM blocklist ORDER BY value');
    expect(kept.map((r) => r.value)).toEqual(['192.0.2.71', '192.0.2.72']);
  });
});
