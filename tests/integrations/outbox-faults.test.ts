/**
 * The outbox against real local peers that fail on purpose: a CRM that hangs and then is down, a
 * webhook that always fails (dead letters, redrive, discard). Customers' requests never wait for a
 * provider, and every effect is delivered exactly once when the provider comes back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { setupAdmin, type StaffClient } from '../security/staff-client.js';
import {
  FAST_OUTBOX,
  formLead,
  postLead,
  startHttpPeer,
  waitFor,
  type FakeHttpPeer,
  type RecordedRequest,
} from './fake-peers.js';

/** Generous sanity bound: a request that waited for a hanging provider would take the provider's full timeout and more. */
const PROMPT_MS = 5_000;

async function metric(server: TestServer, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

function mondayResponder() {
  let next = 1000;
  return (req: RecordedRequest) => {
    const body = req.json as { query: string; variables: { item?: string } };
    return body.query.includes('create_item')
      ? { data: { create_item: { id: String(next++) } } }
      : { data: { change_multiple_column_values: { id: body.variables.item } } };
  };
}

const leadIdOf = (r: RecordedRequest) =>
  (JSON.parse((r.json as { variables: { values: string } }).variables.values) as Record<string, string>)
    .text_lead_id;

describe.each(databaseTargets())('outbox under provider faults on %s database', (database) => {
  describe('a CRM that hangs, then is down, then comes back', () => {
    let server: TestServer;
    let crm: FakeHttpPeer;

    beforeAll(async () => {
      crm = await startHttpPeer({ kind: 'hang' });
      server = await startTestServer({
        database,
        env: {
          ...FAST_OUTBOX,
          INTEGRATION_BREAKER_FAILURES: '2',
          MONDAY_API_URL: crm.url,
          MONDAY_API_TOKEN: 'test-token',
          MONDAY_BOARD_ID: '42',
          MONDAY_COLUMN_MAP: '{"leadId":"text_lead_id","email":"email","city":"text_city"}',
        },
      });
    });
    afterAll(async () => {
      await server?.close();
      await crm?.close();
    });

    it('answers customers promptly while the CRM hangs, opens the breaker while it is down, and delivers each lead exactly once when it is back', async () => {
      const leadIds: string[] = [];
      for (let i = 0; i < 6; i++) {
        const started = Date.now();
        const res = await postLead(server.url, formLead(200 + i));
        expect(res.status).toBe(201);
        expect(Date.now() - started).toBeLessThan(PROMPT_MS);
        leadIds.push(((await res.json()) as { id: string }).id);
      }
      const chatStarted = Date.now();
      const chat = await fetch(`${server.url}/api/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Dzień dobry, ile kosztuje pakiet Comfort?' }),
      });
      expect(chat.status).toBe(200);
      expect(Date.now() - chatStarted).toBeLessThan(PROMPT_MS);
      await waitFor('the worker to reach the hanging CRM', () => crm.received.length > 0);

      crm.mode = { kind: 'fail', status: 503 };
      await waitFor(
        'the CRM breaker to open',
        async () =>
          (await metric(server, 'frontdesk_integration_breaker_trips_total', 'adapter="monday"')) >= 1,
      );
      // Still prompt with the breaker open.
      const during = Date.now();
      expect((await postLead(server.url, formLead(210))).status).toBe(201);
      expect(Date.now() - during).toBeLessThan(PROMPT_MS);
      const lateLead = (
        await server.runtime.db.query<{ id: string }>(
          `SELECT id FROM leads WHERE email = 'anna210@example.pl'`,
        )
      )[0]!.id;
      leadIds.push(lateLead);
      expect(crm.delivered).toHaveLength(0);

      crm.mode = { kind: 'ok', respond: mondayResponder() };
      await waitFor(
        'every lead to reach the CRM',
        () => new Set(crm.delivered.map(leadIdOf)).size === leadIds.length,
        90_000,
      );
      await waitFor('the outbox to drain', async () => {
        const rows = await server.runtime.db.query(
          `SELECT 1 FROM pgboss.job WHERE name = 'lead-crm-sync' AND state IN ('created', 'retry', 'active')`,
        );
        return rows.length === 0;
      });
      const creates = crm.delivered.filter((r) =>
        (r.json as { query: string }).query.includes('create_item'),
      );
      expect(creates.map(leadIdOf).sort()).toEqual([...leadIds].sort());
      const eventIds = crm.delivered.map((r) => r.headers['x-frontdesk-event-id']);
      expect(new Set(eventIds).size).toBe(eventIds.length);
      const links = await server.runtime.db.query(
        `SELECT lead_id FROM lead_crm_links WHERE provider = 'monday'`,
      );
      expect(links).toHaveLength(leadIds.length);
      expect(await metric(server, 'frontdesk_integration_breaker_state', 'adapter="monday"')).toBe(0);
    });
  });

  describe('a webhook that always fails', () => {
    let server: TestServer;
    let hook: FakeHttpPeer;
    let admin: StaffClient;

    beforeAll(async () => {
      hook = await startHttpPeer({ kind: 'fail', status: 500 });
      server = await startTestServer({
        database,
        env: {
          ...FAST_OUTBOX,
          OUTBOX_MAX_ATTEMPTS: '3',
          INTEGRATION_BREAKER_FAILURES: '1000',
          WEBHOOK_URL: `${hook.url}/hook`,
          WEBHOOK_SECRET: 'a-test-secret-of-some-length',
          AUTH_LOGIN_DELAY_MS: '1',
        },
      });
      admin = await setupAdmin(server);
    });
    afterEach(() => {
      hook.mode = { kind: 'fail', status: 500 };
    });
    afterAll(async () => {
      await server?.close();
      await hook?.close();
    });

    interface Letter {
      id: string;
      kind: string;
      eventId: string;
      payload: { leadId: string };
      error: string | null;
    }
    const letters = async (): Promise<Letter[]> =>
      ((await (await admin.call('GET', '/api/v1/admin/dead-letters')).json()) as { deadLetters: Letter[] })
        .deadLetters;

    it('moves the effect to the dead letters after N attempts; a redrive after recovery delivers it with the same event id', async () => {
      const res = await postLead(server.url, formLead(300));
      const { id: leadId } = (await res.json()) as { id: string };
      await waitFor(
        'a dead letter',
        async () => (await letters()).some((l) => l.payload.leadId === leadId),
        60_000,
      );
      const letter = (await letters()).find((l) => l.payload.leadId === leadId)!;
      expect(letter.kind).toBe('lead-webhook');
      expect(letter.error).toMatch(/500/);
      const attempts = hook.received.filter((r) => r.headers['x-frontdesk-event-id'] === letter.eventId);
      expect(attempts).toHaveLength(3);
      expect(
        await metric(server, 'frontdesk_outbox_dead_letters_total', 'effect="lead-webhook"'),
      ).toBeGreaterThanOrEqual(1);

      hook.mode = { kind: 'ok' };
      const redrive = await admin.call('POST', `/api/v1/admin/dead-letters/${letter.id}/redrive`);
      expect(redrive.status).toBe(202);
      await waitFor('the redriven event', () =>
        hook.delivered.some((r) => r.headers['x-frontdesk-event-id'] === letter.eventId),
      );
      const delivered = hook.delivered.filter((r) => r.headers['x-frontdesk-event-id'] === letter.eventId);
      expect(delivered).toHaveLength(1);
      expect(delivered[0]!.headers['x-frontdesk-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect((delivered[0]!.json as { type: string; data: { lead: { id: string } } }).data.lead.id).toBe(
        leadId,
      );
      expect((await letters()).some((l) => l.id === letter.id)).toBe(false);
      expect((await admin.call('POST', `/api/v1/admin/dead-letters/${letter.id}/redrive`)).status).toBe(404);
    });

    it('discards a dead letter for good and records it in the audit log', async () => {
      const res = await postLead(server.url, formLead(301));
      const { id: leadId } = (await res.json()) as { id: string };
      await waitFor(
        'a dead letter',
        async () => (await letters()).some((l) => l.payload.leadId === leadId),
        60_000,
      );
      const letter = (await letters()).find((l) => l.payload.leadId === leadId)!;
      expect((await admin.call('DELETE', `/api/v1/admin/dead-letters/${letter.id}`)).status).toBe(200);
      expect((await letters()).some((l) => l.id === letter.id)).toBe(false);
      const audit = (await (
        await admin.call('GET', '/api/v1/admin/audit?action=dead_letter.discarded')
      ).json()) as {
        entries: Array<{ targetId: string }>;
      };
      expect(audit.entries.map((e) => e.targetId)).toContain(letter.id);
      expect((await admin.call('DELETE', `/api/v1/admin/dead-letters/${letter.id}`)).status).toBe(404);
    });
  });
});
