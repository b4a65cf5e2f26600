/**
 * Two Frontdesk replicas on one PostgreSQL server and one Redis: a customer on one replica and an
 * operator on the other, nudges swept by both, and Redis dying mid-conversation. The database polling
 * safety net is slowed down here, so delivery must come from Redis or PostgreSQL NOTIFY.
 * Needs TEST_DATABASE_URL (PGlite is single-process); Redis parts also need TEST_REDIS_URL.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationControl } from '../../src/modules/chat/live.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { staffWithRole, type StaffClient } from '../security/staff-client.js';
import {
  backdate,
  chat,
  connectAdmin,
  connectWidget,
  startChat,
  staffOn,
  waitFor,
  waitingHandoff,
  type ChatSession,
} from './helpers.js';

const DATABASE = process.env.TEST_DATABASE_URL;
const REDIS = process.env.TEST_REDIS_URL;

async function metric(server: TestServer, name: string, transport: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = new RegExp(`^${name}\\{transport="${transport}"\\} (\\d+)`, 'm').exec(text);
  return Number(match?.[1] ?? 0);
}

async function startReplicas(redisUrl: string | undefined): Promise<[TestServer, TestServer]> {
  const env = {
    SESSION_SWEEP_SECONDS: '1',
    LIVE_POLL_MS: '60000',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `live-test-${crypto.randomBytes(4).toString('hex')}:`,
  };
  const a = await startTestServer({ database: 'postgres', env });
  const b = await startTestServer({ env: { ...env, DATABASE_URL: a.runtime.config.database.url } });
  return [a, b];
}

async function claimOn(operator: StaffClient, session: ChatSession): Promise<void> {
  const handoff = await waitingHandoff(operator, session.sessionId);
  const res = await operator.call('POST', `/api/v1/admin/handoffs/${handoff.id}/claim`);
  expect(res.status).toBe(200);
}

async function operatorSays(operator: StaffClient, session: ChatSession, text: string): Promise<void> {
  const res = await operator.call('POST', `/api/v1/admin/conversations/${session.sessionId}/messages`, {
    body: { text },
  });
  expect(res.status).toBe(201);
}

describe.runIf(DATABASE)('two replicas on one database', () => {
  for (const withRedis of REDIS ? [true, false] : [false]) {
    describe(withRedis ? 'with Redis pub/sub' : 'with PostgreSQL LISTEN/NOTIFY only', () => {
      let a: TestServer;
      let b: TestServer;
      let proxy: TcpProxy | undefined;
      let operator: StaffClient & { id: string };

      beforeAll(async () => {
        if (withRedis && REDIS) {
          const target = new URL(REDIS);
          proxy = await startTcpProxy(target.hostname, Number(target.port));
        }
        [a, b] = await startReplicas(proxy?.url(REDIS ?? ''));
        const { admin } = await staffOn(a);
        // The account lives in the shared database; sign it in on replica B.
        operator = await staffWithRole(b, admin, 'operator');
      });
      afterAll(async () => {
        await b?.close();
        await a?.close();
        await proxy?.close();
      });

      it('a customer on A and an operator on B exchange messages both ways, in order', async () => {
        const session = await startChat(a.url, 'Chcę porozmawiać z konsultantem');
        const widget = await connectWidget(a.url, session);
        const panel = await connectAdmin(b.url, operator);
        await claimOn(operator, session);
        await widget.waitFor((e) => e.type === 'handoff' && e.data.status === 'claimed', 'claimed on A');

        for (const text of ['B1', 'B2', 'B3']) await operatorSays(operator, session, text);
        for (const text of ['A1', 'A2', 'A3']) {
          const answer = await chat(a.url, text, session);
          expect(answer.reply).toBeNull();
        }
        await widget.waitFor((e) => e.data.text === 'B3', 'the operator messages on A');
        await panel.waitFor(
          (e) => e.data.role === 'user' && e.data.text === 'A3',
          'the customer messages on B',
        );
        expect(widget.events('message').map((e) => e.data.text)).toEqual(['B1', 'B2', 'B3']);
        expect(
          panel
            .events('message')
            .filter((e) => e.sessionId === session.sessionId && e.data.role === 'user')
            .map((e) => e.data.text)
            // The opening message may arrive too: the bot's turns reach staff in short batches.
            .filter((text) => text !== 'Chcę porozmawiać z konsultantem'),
        ).toEqual(['A1', 'A2', 'A3']);
        const transport = withRedis ? 'redis' : 'postgres';
        expect(await metric(a, 'frontdesk_live_signals_received_total', transport)).toBeGreaterThan(0);
        expect(await metric(b, 'frontdesk_live_signals_received_total', transport)).toBeGreaterThan(0);
        await Promise.all([widget.close(), panel.close()]);
      });

      it('nudges once while both replicas sweep', async () => {
        const session = await startChat(a.url, 'Dzień dobry');
        const widget = await connectWidget(b.url, session);
        await backdate(a.runtime.db, session.sessionId, 16);
        await Promise.all([a.runtime.runScheduledTasks(), b.runtime.runScheduledTasks()]);
        await widget.waitFor((e) => e.type === 'nudge', 'the nudge');
        // More sweeps on both replicas (they also tick every second on their own).
        for (let i = 0; i < 3; i++) {
          await Promise.all([a.runtime.runScheduledTasks(), b.runtime.runScheduledTasks()]);
        }
        const [row] = await a.runtime.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM chat_messages WHERE session_id = $1 AND meta->>'kind' = 'nudge'`,
          [session.sessionId],
        );
        expect(row?.n).toBe(1);
        expect(widget.events('nudge')).toHaveLength(1);

        // The guard itself: two replicas claiming the same idle session at the same instant.
        const other = await startChat(a.url, 'Dzień dobry');
        await backdate(a.runtime.db, other.sessionId, 16);
        const [fromA, fromB] = await Promise.all([
          createConversationControl(a.runtime.db).claimNudges(a.runtime.db, 15),
          createConversationControl(b.runtime.db).claimNudges(b.runtime.db, 15),
        ]);
        const winners = [...fromA, ...fromB].filter((s) => s.sessionId === other.sessionId);
        expect(winners).toHaveLength(1);
        await widget.close();
      });

      it.runIf(withRedis)(
        'keeps messages flowing when Redis dies, and uses Redis again when it returns',
        async () => {
          const session = await startChat(a.url, 'Chcę porozmawiać z konsultantem');
          const widget = await connectWidget(a.url, session);
          const panel = await connectAdmin(b.url, operator);
          await claimOn(operator, session);
          await operatorSays(operator, session, 'przed awarią');
          await widget.waitFor((e) => e.data.text === 'przed awarią', 'a message before the outage');

          await proxy?.cut();
          const pgBefore = await metric(b, 'frontdesk_live_signals_sent_total', 'postgres');
          await operatorSays(operator, session, 'w trakcie awarii');
          await chat(a.url, 'klient w trakcie awarii', session);
          await widget.waitFor((e) => e.data.text === 'w trakcie awarii', 'a message during the outage');
          await panel.waitFor(
            (e) => e.data.text === 'klient w trakcie awarii',
            'a customer message during the outage',
          );
          expect(await metric(b, 'frontdesk_live_signals_sent_total', 'postgres')).toBeGreaterThan(pgBefore);

          await proxy?.restore();
          const redisBefore = await metric(b, 'frontdesk_live_signals_sent_total', 'redis');
          let n = 0;
          await waitFor(async () => {
            n++;
            await operatorSays(operator, session, `po awarii ${n}`);
            await widget.waitFor((e) => e.data.text === `po awarii ${n}`, `message ${n} after the outage`);
            return (await metric(b, 'frontdesk_live_signals_sent_total', 'redis')) > redisBefore;
          }, 'Redis to carry the signals again');
          const texts = widget.events('message').map((e) => e.data.text);
          expect(texts.slice(0, 2)).toEqual(['przed awarią', 'w trakcie awarii']);
          expect(new Set(texts).size).toBe(texts.length);
          await Promise.all([widget.close(), panel.close()]);
        },
      );
    });
  }
});
