/**
 * Failed LLM calls as the dashboard counts them: a local OpenAI-compatible server that fails (5xx,
 * malformed output) stands in for the providers. Every failed call is a row of llm_failures with its
 * provider, model, kind, HTTP status and conversation; the analytics API counts them for the chosen
 * period, from the database, so two server instances on one database answer the same total; open
 * admin panels hear of them over the admin WebSocket; and a failure that cannot be recorded never
 * fails the customer's turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectAdmin } from '../live/helpers.js';
import { setupAdmin, StaffClient, ADMIN_EMAIL, ADMIN_PASSWORD } from '../security/staff-client.js';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';
import { Conversation, eventually, metric } from './helpers.js';

interface Summary {
  totals: { llmErrors: number; llmErrorsByKind: Record<string, number> };
}

interface FailureRow {
  provider: string;
  model: string;
  kind: string;
  http_status: number | null;
  session_id: string | null;
}

const DATABASE = process.env.TEST_DATABASE_URL;

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer();
});
afterAll(async () => {
  await fake?.close();
});

/** Primary answers 500 (tried twice: LLM_RETRIES=1), the secondary sends malformed output. */
const failingLlms = () => ({
  CHAT_MIN_INTERVAL_MS: '0',
  LLM_PROVIDER: 'openai-compatible',
  LLM_BASE_URL: fake.url,
  LLM_API_KEY: 'test-llm-key-1234567890',
  LLM_MODEL: 'status-500',
  LLM_RETRIES: '1',
  LLM_BREAKER_FAILURES: '1000',
  LLM_SECONDARY_PROVIDER: 'openai-compatible',
  LLM_SECONDARY_BASE_URL: fake.url,
  LLM_SECONDARY_MODEL: 'malformed',
});

async function summary(staff: StaffClient, range = 'day'): Promise<Summary> {
  const res = await staff.call('GET', `/api/v1/admin/analytics/summary?range=${range}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

async function errorsReach(staff: StaffClient, count: number, range = 'day'): Promise<Summary> {
  return eventually(async () => {
    const s = await summary(staff, range);
    return s.totals.llmErrors === count ? s : undefined;
  });
}

describe.each(databaseTargets())('LLM failures on the dashboard (%s)', (database) => {
  let server: TestServer;
  let admin: StaffClient;
  const failures = () =>
    server.runtime.db.query<FailureRow>(
      'SELECT provider, model, kind, http_status, session_id FROM llm_failures ORDER BY id',
    );

  beforeAll(async () => {
    server = await startTestServer({ database, env: failingLlms() });
    admin = await setupAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records each failed call with its conversation and counts the period from the database', async () => {
    expect((await summary(admin)).totals).toMatchObject({ llmErrors: 0, llmErrorsByKind: {} });
    const socket = await connectAdmin(server.url, admin);
    try {
      const c = new Conversation(server);
      const first = await c.send('Ile kosztuje pakiet Premium?');
      expect(first.reply?.text).toMatch(/Premium/);
      expect((await c.session()).engine).toBe('offline');

      const day = await errorsReach(admin, 3);
      expect(day.totals.llmErrorsByKind).toEqual({ server: 2, malformed: 1 });
      expect(await failures()).toEqual([
        {
          provider: 'primary',
          model: 'status-500',
          kind: 'server',
          http_status: 500,
          session_id: c.sessionId,
        },
        {
          provider: 'primary',
          model: 'status-500',
          kind: 'server',
          http_status: 500,
          session_id: c.sessionId,
        },
        {
          provider: 'secondary',
          model: 'malformed',
          kind: 'malformed',
          http_status: null,
          session_id: c.sessionId,
        },
      ]);
      // The panel hears of it live (staff only, no conversation attached).
      const event = await socket.waitFor((e) => e.type === 'llm_error', 'the llm_error live event');
      expect(event.sessionId).toBeNull();
      expect(event.data).toMatchObject({ kinds: expect.arrayContaining(['server', 'malformed']) });

      // A streamed turn of the same conversation: its failures carry the same conversation.
      const streamed = await c.stream('A pakiet Comfort?');
      expect(streamed.events.at(-1)?.event).toBe('done');
      await errorsReach(admin, 6);
      expect(new Set((await failures()).map((f) => f.session_id))).toEqual(new Set([c.sessionId]));
      expect(await metric(server, 'frontdesk_llm_errors_total')).toBe(6);
    } finally {
      await socket.close();
    }

    // The period decides: a failure 3 days old counts for the week, one 40 days old for no range.
    const q = (sql: string) => server.runtime.db.query(sql);
    await q(
      `UPDATE llm_failures SET at = now() - interval '3 days' WHERE id = (SELECT min(id) FROM llm_failures)`,
    );
    await q(
      `UPDATE llm_failures SET at = now() - interval '40 days' WHERE id = (SELECT max(id) FROM llm_failures)`,
    );
    expect((await summary(admin, 'day')).totals.llmErrors).toBe(4);
    expect((await summary(admin, 'week')).totals.llmErrors).toBe(5);
    expect((await summary(admin, 'month')).totals.llmErrors).toBe(5);
  });

  it('deletes failure records after 90 days and with the conversation they belong to', async () => {
    await server.runtime.db.query(
      `UPDATE llm_failures SET at = now() - interval '91 days' WHERE id = (SELECT max(id) FROM llm_failures)`,
    );
    const before = (await failures()).length;
    await server.runtime.db.query(
      `UPDATE frontdesk_scheduled_tasks SET last_started_at = 'epoch' WHERE name = 'privacy-retention'`,
    );
    expect(await server.runtime.runScheduledTasks()).toContain('privacy-retention');
    expect((await failures()).length).toBe(before - 1);
  });

  it('answers the customer even when the failure cannot be recorded', async () => {
    const db = server.runtime.db;
    await db.query('ALTER TABLE llm_failures RENAME TO llm_failures_away');
    try {
      const c = new Conversation(server);
      const body = await c.send('Jakie macie pakiety?');
      expect(body.reply?.text.length).toBeGreaterThan(10);
      await server.runtime.flushBackgroundWrites();
      await eventually(async () =>
        server.logs.some((l) => l.msg === 'recording failed LLM calls failed; they are not counted'),
      );
    } finally {
      await db.query('ALTER TABLE llm_failures_away RENAME TO llm_failures');
    }
    // Later failures are recorded again.
    const before = (await summary(admin)).totals.llmErrors;
    await new Conversation(server).send('Ile kosztuje pakiet Express?');
    await errorsReach(admin, before + 3);
  });
});

describe.runIf(DATABASE)('LLM failures across two server instances on one database', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer({ database: 'postgres', env: failingLlms() });
    b = await startTestServer({ env: { ...failingLlms(), DATABASE_URL: a.runtime.config.database.url } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('counts every instance’s failures, whichever instance answers', async () => {
    const adminA = await setupAdmin(a);
    const adminB = new StaffClient(b.url);
    expect((await adminB.login(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);

    await new Conversation(a).send('Ile kosztuje pakiet Premium?');
    await new Conversation(b).send('Ile kosztuje pakiet Comfort?');
    await new Conversation(b).send('Czy robicie łazienki?');

    // Each process counts only its own calls in its metrics; the dashboard counts all of them.
    expect(await metric(a, 'frontdesk_llm_errors_total')).toBe(3);
    expect(await metric(b, 'frontdesk_llm_errors_total')).toBe(6);
    const fromA = await errorsReach(adminA, 9);
    const fromB = await errorsReach(adminB, 9);
    expect(fromA.totals.llmErrorsByKind).toEqual({ server: 6, malformed: 3 });
    expect(fromB.totals).toEqual(fromA.totals);
  });
});
