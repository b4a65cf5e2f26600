/**
 * Live conversations on one replica (embedded, and a PostgreSQL server when TEST_DATABASE_URL is
 * set): handoff and operator takeover, the widget and admin WebSockets with resume, idle nudges and
 * timeouts, business hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationControl } from '../../src/modules/chat/live.js';
import { createHandoffService } from '../../src/modules/handoff/service.js';
import { loadLiveTexts } from '../../src/modules/handoff/texts.js';
import { createLiveService } from '../../src/modules/live/service.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createToken, type StaffClient } from '../security/staff-client.js';
import {
  backdate,
  chat,
  connectAdmin,
  connectWidget,
  LiveClient,
  startChat,
  staffOn,
  waitFor,
  waitingHandoff,
  wsUrl,
} from './helpers.js';

describe.each(databaseTargets())('live conversations on one replica (%s)', (database) => {
  let server: TestServer;
  let alice: StaffClient;
  let bob: StaffClient;
  let admin: StaffClient;
  let viewer: StaffClient;

  beforeAll(async () => {
    server = await startTestServer({ database, env: { SESSION_SWEEP_SECONDS: '1', LIVE_POLL_MS: '500' } });
    ({ admin, alice, bob, viewer } = await staffOn(server));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hands over to an operator: queue, race to claim, silent bot, live replies, release', async () => {
    const session = await startChat(server.url, 'Dzień dobry, ile kosztuje wykończenie 50 m2?');
    const widget = await connectWidget(server.url, session);
    const panel = await connectAdmin(server.url, alice);

    const asked = await chat(server.url, 'Chcę porozmawiać z konsultantem', session);
    expect(asked.handoff).toMatchObject({ reason: 'customer_request', status: 'waiting' });
    expect(asked.reply?.text).toBeTruthy();
    await widget.waitFor((e) => e.type === 'handoff' && e.data.status === 'waiting', 'handoff waiting');
    const queued = await panel.waitFor(
      (e) => e.type === 'queue' && e.sessionId === session.sessionId && e.data.status === 'waiting',
      'the queue change on the admin socket',
    );
    const handoff = await waitingHandoff(alice, session.sessionId);
    expect(queued.data.handoffId).toBe(handoff.id);

    // Two operators race: exactly one wins.
    const [a, b] = await Promise.all([
      alice.call('POST', `/api/v1/admin/handoffs/${handoff.id}/claim`),
      bob.call('POST', `/api/v1/admin/handoffs/${handoff.id}/claim`),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? alice : bob;
    const loser = a.status === 200 ? bob : alice;
    expect(((await (a.status === 409 ? a : b).json()) as { error: string }).error).toBe('already_claimed');
    await widget.waitFor((e) => e.type === 'handoff' && e.data.status === 'claimed', 'handoff claimed');

    // The bot is silent; the customer's message reaches staff live.
    const silent = await chat(server.url, 'Czy jest ktoś?', session);
    expect(silent.reply).toBeNull();
    expect(silent.handoff?.status).toBe('claimed');
    await panel.waitFor(
      (e) => e.type === 'message' && e.data.role === 'user' && e.data.text === 'Czy jest ktoś?',
      'the customer message on the admin socket',
    );

    // Only the owner answers; the answer reaches the widget, typing too.
    const refused = await loser.call('POST', `/api/v1/admin/conversations/${session.sessionId}/messages`, {
      body: { text: 'Dzień dobry' },
    });
    expect(refused.status).toBe(409);
    const typing = await winner.call('POST', `/api/v1/admin/conversations/${session.sessionId}/typing`, {
      body: { active: true },
    });
    expect(typing.status).toBe(204);
    await widget.waitFor((e) => e.type === 'typing' && e.data.who === 'operator', 'operator typing');
    for (const text of ['Dzień dobry, tu Anna.', 'W czym mogę pomóc?']) {
      const sent = await winner.call('POST', `/api/v1/admin/conversations/${session.sessionId}/messages`, {
        body: { text },
      });
      expect(sent.status).toBe(201);
    }
    await widget.waitFor((e) => e.data.text === 'W czym mogę pomóc?', 'the second operator message');
    const operatorTexts = widget.events('message').map((e) => [e.data.role, e.data.text]);
    expect(operatorTexts).toEqual([
      ['operator', 'Dzień dobry, tu Anna.'],
      ['operator', 'W czym mogę pomóc?'],
    ]);

    // The transcript for staff holds everything, with roles.
    const detail = (await (
      await viewer.call('GET', `/api/v1/admin/conversations/${session.sessionId}`)
    ).json()) as { messages: Array<{ role: string; text: string }>; handoffs: Array<{ status: string }> };
    expect(detail.messages.filter((m) => m.role === 'operator').map((m) => m.text)).toEqual([
      'Dzień dobry, tu Anna.',
      'W czym mogę pomóc?',
    ]);
    expect(detail.messages.some((m) => m.role === 'user' && m.text === 'Czy jest ktoś?')).toBe(true);
    expect(detail.handoffs[0]?.status).toBe('claimed');

    // Release: the assistant answers again.
    const released = await winner.call('POST', `/api/v1/admin/handoffs/${handoff.id}/release`);
    expect(released.status).toBe(200);
    await widget.waitFor((e) => e.type === 'handoff' && e.data.status === 'released', 'handoff released');
    const back = await chat(server.url, 'Ile kosztuje pakiet Comfort?', session);
    expect(back.reply?.text).toMatch(/Comfort/);

    // Event ids only grow on each stream.
    for (const client of [widget, panel]) {
      const ids = client
        .events()
        .map((e) => e.id)
        .filter((id): id is number => id !== null);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
    }
    await Promise.all([widget.close(), panel.close()]);
  });

  it('a widget that reconnects gets exactly the events it missed', async () => {
    const session = await startChat(server.url, 'Chcę porozmawiać z konsultantem');
    const handoff = await waitingHandoff(alice, session.sessionId);
    expect((await alice.call('POST', `/api/v1/admin/handoffs/${handoff.id}/claim`)).status).toBe(200);
    const say = async (text: string) =>
      expect(
        (
          await alice.call('POST', `/api/v1/admin/conversations/${session.sessionId}/messages`, {
            body: { text },
          })
        ).status,
      ).toBe(201);

    const first = await connectWidget(server.url, session);
    await say('jeden');
    const one = await first.waitFor((e) => e.data.text === 'jeden', 'message one');
    await first.close();
    await say('dwa');
    await say('trzy');

    const again = await connectWidget(server.url, session, one.id);
    await again.waitFor((e) => e.data.text === 'trzy', 'message three after resume');
    await say('cztery');
    await again.waitFor((e) => e.data.text === 'cztery', 'message four live');
    expect(again.events('message').map((e) => e.data.text)).toEqual(['dwa', 'trzy', 'cztery']);
    await again.close();

    // The staff stream resumes the same way from its own last id.
    const panel = await connectAdmin(server.url, alice);
    await say('pięć');
    const five = await panel.waitFor((e) => e.data.text === 'pięć', 'message five on the admin socket');
    await panel.close();
    await say('sześć');
    const resumed = await connectAdmin(server.url, alice, five.id ?? 0);
    await resumed.waitFor((e) => e.data.text === 'sześć', 'message six after the admin resume');
    expect(resumed.events('message').map((e) => e.data.text)).toEqual(['sześć']);
    await resumed.close();
  });

  it('refuses a widget socket without the right secret and admin tickets that are spent or missing', async () => {
    const session = await startChat(server.url, 'Dzień dobry');
    const wrong = await LiveClient.open(wsUrl(server.url, `/api/v1/ws/chat?sessionId=${session.sessionId}`), {
      type: 'auth',
      sessionSecret: 'not-the-secret',
    });
    expect(await wrong.waitForClose()).toBe(4401);
    expect(wrong.events('message')).toEqual([]);

    const res = await alice.call('POST', '/api/v1/admin/ws-ticket');
    const { url } = (await res.json()) as { url: string };
    const once = await LiveClient.open(wsUrl(server.url, url));
    await once.waitFor((e) => e.type === 'ready', 'the first use of the ticket');
    const twice = await LiveClient.open(wsUrl(server.url, url));
    expect(await twice.waitForClose()).toBe(4401);
    await once.close();
    const none = await LiveClient.open(wsUrl(server.url, '/api/v1/ws/admin?ticket=made-up'));
    expect(await none.waitForClose()).toBe(4401);

    // Tickets need a signed-in person (cookie + CSRF), not an API token.
    const token = await createToken(admin, { name: 'ops', scopes: ['conversations:read'], role: 'viewer' });
    const byToken = await fetch(`${server.url}/api/v1/admin/ws-ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(byToken.status).toBe(403);
    expect((await alice.call('POST', '/api/v1/admin/ws-ticket', { csrf: false })).status).toBe(403);
  });

  it('rejects bad operator input with a clear 4xx and changes nothing', async () => {
    const session = await startChat(server.url, 'Dzień dobry');
    const path = `/api/v1/admin/conversations/${session.sessionId}/messages`;
    expect((await alice.call('POST', path, { body: { text: '   ' } })).status).toBe(400);
    expect((await alice.call('POST', path, { body: { text: 'hej' } })).status).toBe(409);
    expect((await alice.call('POST', '/api/v1/admin/handoffs/not-an-id/claim')).status).toBe(404);
    expect(
      (await alice.call('POST', '/api/v1/admin/handoffs/00000000-0000-4000-8000-000000000000/claim')).status,
    ).toBe(404);
    expect((await viewer.call('POST', path, { body: { text: 'hej' } })).status).toBe(403);
    expect((await alice.call('GET', '/api/v1/admin/conversations?limit=0')).status).toBe(400);
    const detail = (await (
      await alice.call('GET', `/api/v1/admin/conversations/${session.sessionId}`)
    ).json()) as {
      messages: Array<{ role: string }>;
    };
    expect(detail.messages.some((m) => m.role === 'operator')).toBe(false);
  });

  it('lists conversations with filters', async () => {
    const withHandoff = await startChat(server.url, 'Chcę porozmawiać z konsultantem, mieszkanie w Gdańsku');
    const plain = await startChat(server.url, 'Jakie pakiety oferujecie?');
    const list = async (query: string) => {
      const res = await viewer.call('GET', `/api/v1/admin/conversations?${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { conversations: Array<{ sessionId: string }> }).conversations.map(
        (c) => c.sessionId,
      );
    };
    const handedOver = await list('hasHandoff=true');
    expect(handedOver).toContain(withHandoff.sessionId);
    expect(handedOver).not.toContain(plain.sessionId);
    expect(await list('hasHandoff=false')).toContain(plain.sessionId);
    const found = await list('search=Gda%C5%84sku');
    expect(found).toEqual([withHandoff.sessionId]);
    expect(await list(`from=${new Date(Date.now() + 86_400_000).toISOString()}`)).toEqual([]);
  });

  it('nudges an idle widget once per idle period and ends it after the timeout', async () => {
    const session = await startChat(server.url, 'Dzień dobry');
    const widget = await connectWidget(server.url, session);
    await backdate(server.runtime.db, session.sessionId, 16);
    await waitFor(
      async () => (await server.runtime.runScheduledTasks()).includes('session-lifecycle'),
      'a sweep',
    );
    const nudge = await widget.waitFor((e) => e.type === 'nudge', 'the nudge');
    expect(String(nudge.data.text)).toMatch(/pomóc/);
    // Further sweeps in the same idle period send nothing more.
    await waitFor(
      async () => (await server.runtime.runScheduledTasks()).includes('session-lifecycle'),
      'another sweep',
    );
    const transcript = async () =>
      (await (
        await fetch(`${server.url}/api/v1/chat/${session.sessionId}/messages`, {
          headers: { 'x-session-secret': session.secret },
        })
      ).json()) as { status: string; messages: Array<{ text: string }> };
    expect((await transcript()).messages.filter((m) => m.text === nudge.data.text)).toHaveLength(1);

    // A new idle period (the customer wrote again) gets a new nudge.
    await chat(server.url, 'Jeszcze jedno pytanie: ile trwa remont?', session);
    await backdate(server.runtime.db, session.sessionId, 16);
    await waitFor(async () => {
      await server.runtime.runScheduledTasks();
      return widget.events('nudge').length === 2;
    }, 'the second nudge');

    await backdate(server.runtime.db, session.sessionId, 15);
    await waitFor(async () => {
      await server.runtime.runScheduledTasks();
      return widget.received.some((e) => e.type === 'session_ended');
    }, 'the timeout');
    const ended = await widget.waitFor((e) => e.type === 'session_ended', 'session ended');
    expect(ended.data.reason).toBe('timeout');
    expect((await transcript()).status).toBe('ended');
    const [row] = await server.runtime.db.query<{ end_reason: string; ended_at: Date | null }>(
      'SELECT end_reason, ended_at FROM chat_sessions WHERE id = $1',
      [session.sessionId],
    );
    expect(row?.end_reason).toBe('timeout');
    expect(row?.ended_at).not.toBeNull();
    expect(widget.events('nudge')).toHaveLength(2);
    await widget.close();
  });

  it('tells the customer when someone will answer outside business hours (injected clock)', async () => {
    const { runtime } = server;
    const metrics = createMetrics('frontdesk_test_hours_');
    const live = createLiveService({
      db: runtime.db,
      logger: runtime.logger,
      metrics,
      settings: { pollMs: 60_000, eventRetentionHours: 1, ticketTtlSeconds: 30 },
      databaseUrl: undefined,
      redis: { url: undefined, keyPrefix: 'test:' },
    });
    const texts = loadLiveTexts(runtime.config.knowledge.dir);
    const make = (iso: string) =>
      createHandoffService({
        db: runtime.db,
        live,
        control: createConversationControl(runtime.db),
        leads: { findBySession: async () => undefined },
        business: () => ({
          phone: '+48 22 000 12 34',
          timezone: 'Europe/Warsaw',
          hours: {
            '1': '08:00-18:00',
            '2': '08:00-18:00',
            '3': '08:00-18:00',
            '4': '08:00-18:00',
            '5': '08:00-18:00',
            '6': '09:00-14:00',
          },
        }),
        texts,
        settings: { nudgeAfterMinutes: 15, timeoutAfterMinutes: 30 },
        logger: runtime.logger,
        now: () => new Date(iso),
      });
    const turn = {
      text: 'Już przekazuję rozmowę do konsultanta.',
      suggestions: [],
      locale: 'pl' as const,
      intent: 'human_request',
      state: {},
      actions: [{ type: 'handoff' as const, reason: 'customer_request' }],
      engine: 'offline',
      details: {
        firstName: null,
        email: null,
        phone: null,
        city: null,
        areaM2: null,
        packageId: null,
        budgetPln: null,
      },
      consent: { processing: null, marketing: null },
      inServiceArea: false,
    };
    const request = async (iso: string) => {
      const session = await startChat(server.url, 'Dzień dobry');
      return runtime.db.transaction((tx) =>
        make(iso).hooks.handoffRequested(tx, {
          sessionId: session.sessionId,
          locale: 'pl',
          reason: 'customer_request',
          turn,
          customerText: 'Chcę rozmawiać z człowiekiem',
        }),
      );
    };
    // Saturday 20:00 in Warsaw (UTC+2 in summer): closed until Monday 8:00.
    const weekend = await request('2025-06-14T18:00:00Z');
    expect(weekend?.status).toBe('waiting');
    expect(weekend?.note).toMatch(/w poniedziałek o 8:00/);
    expect(weekend?.note).toMatch(/telefonu lub adres e-mail/);
    // Tuesday 6:30: today at 8:00.
    expect((await request('2025-06-17T04:30:00Z'))?.note).toMatch(/dziś o 8:00/);
    // Friday 19:00: Saturday opens at 9:00, which is tomorrow.
    expect((await request('2025-06-13T17:00:00Z'))?.note).toMatch(/jutro o 9:00/);
    // Wednesday noon: open, no note.
    expect((await request('2025-06-18T10:00:00Z'))?.note).toBeUndefined();
    await live.stop();
  });
});
