/**
 * Many conversations at once: turns written together in one statement keep every conversation's
 * transcript, state and replies exactly as if each had been alone, and a conversation that gets
 * several messages at once loses and duplicates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnWriter } from '../../src/modules/chat/turn-writer.js';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CONVERSATION = [
  'Dzień dobry',
  'Ile kosztuje wykończenie mieszkania?',
  'Mam mieszkanie 54 m2',
  'Mieszkanie jest w Gdańsku',
  'Mam na imię Michał',
  'A ile kosztowałby Premium?',
  'Dziękuję',
];

interface ChatReply {
  sessionId: string;
  sessionSecret?: string;
  reply: { text: string };
  quote?: unknown;
}

async function send(url: string, message: string, session?: { id: string; secret: string }) {
  const res = await fetch(`${url}/api/v1/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(session ? { 'x-session-secret': session.secret } : {}),
    },
    body: JSON.stringify(session ? { sessionId: session.id, message } : { message }),
  });
  return { status: res.status, body: (await res.json()) as ChatReply & { error?: string } };
}

async function transcript(url: string, session: { id: string; secret: string }) {
  const res = await fetch(`${url}/api/v1/chat/${session.id}/messages`, {
    headers: { 'x-session-secret': session.secret },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Array<{ role: string; text: string }> }).messages;
}

describe.each(databaseTargets())('concurrent conversations on %s database', (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { WORKER_ENABLED: 'false', CHAT_MIN_INTERVAL_MS: '0' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 30 simultaneous conversations exactly as one conversation alone', async () => {
    // The reference: one conversation, one message at a time.
    const alone: string[] = [];
    let reference: { id: string; secret: string } | undefined;
    for (const message of CONVERSATION) {
      const { status, body } = await send(server.url, message, reference);
      expect(status).toBe(200);
      reference ??= { id: body.sessionId, secret: body.sessionSecret! };
      alone.push(body.reply.text);
    }

    const sessions: Array<{ id: string; secret: string }> = [];
    const replies: string[][] = [];
    const first = await Promise.all(Array.from({ length: 30 }, () => send(server.url, CONVERSATION[0]!)));
    for (const { status, body } of first) {
      expect(status).toBe(200);
      sessions.push({ id: body.sessionId, secret: body.sessionSecret! });
      replies.push([body.reply.text]);
    }
    for (const message of CONVERSATION.slice(1)) {
      const round = await Promise.all(sessions.map((s) => send(server.url, message, s)));
      round.forEach(({ status, body }, i) => {
        expect(status).toBe(200);
        replies[i]!.push(body.reply.text);
      });
    }
    for (const [i, session] of sessions.entries()) {
      expect(replies[i]).toEqual(alone);
      const messages = await transcript(server.url, session);
      expect(messages.map((m) => m.role)).toEqual(CONVERSATION.flatMap(() => ['user', 'assistant']));
      expect(messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual(CONVERSATION);
      expect(messages.filter((m) => m.role === 'assistant').map((m) => m.text)).toEqual(alone);
    }
    const rows = await server.runtime.db.query<{ version: number; message_count: number }>(
      'SELECT version, message_count FROM chat_sessions WHERE id = ANY($1::text[])',
      [sessions.map((s) => s.id)],
    );
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      expect(row.version).toBe(CONVERSATION.length);
      expect(row.message_count).toBe(CONVERSATION.length * 2);
    }
  });

  it('stores each accepted message of a conversation that gets ten at once, and only those', async () => {
    const start = await send(server.url, 'Dzień dobry');
    const session = { id: start.body.sessionId, secret: start.body.sessionSecret! };
    const texts = Array.from({ length: 10 }, (_, i) => `Pytanie numer ${i + 1} o gwarancję`);
    const results = await Promise.all(texts.map((t) => send(server.url, t, session)));
    const accepted = texts.filter((_, i) => results[i]!.status === 200);
    for (const r of results) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.error).toBe('conversation_busy');
    }
    expect(accepted.length).toBeGreaterThan(0);
    const messages = await transcript(server.url, session);
    const users = messages.filter((m) => m.role === 'user').map((m) => m.text);
    expect(users[0]).toBe('Dzień dobry');
    expect([...users.slice(1)].sort()).toEqual([...accepted].sort());
    expect(messages).toHaveLength(2 + accepted.length * 2);
  });

  it('writes a group whose one turn cannot be stored: the others are stored, that one fails alone', async () => {
    const starts = await Promise.all([1, 2, 3].map(() => send(server.url, 'Dzień dobry')));
    const ids = starts.map((s) => s.body.sessionId);
    const writer = createTurnWriter(server.runtime.db);
    const turn = (sessionId: string, text: string | null) => ({
      sessionId,
      expectedVersion: 1,
      update: { state: { probe: true }, locale: 'pl', engine: 'offline' },
      messages: [{ role: 'user' as const, text: text as string }],
    });
    // Sent together, they are written as one group; the message without text makes that statement fail.
    const outcomes = await Promise.allSettled([
      writer.write(turn(ids[0]!, 'pierwsza')),
      writer.write(turn(ids[1]!, null)),
      writer.write(turn(ids[2]!, 'trzecia')),
      writer.write(turn(ids[0]!, 'nieaktualna')),
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: true });
    expect(outcomes[1]!.status).toBe('rejected');
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: true });
    // Same session, same expected version: the conversation moved on, so this one is not written.
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: false });
    const rows = await server.runtime.db.query<{ session_id: string; text: string }>(
      `SELECT session_id, text FROM chat_messages WHERE session_id = ANY($1::text[]) AND role = 'user'
        ORDER BY session_id, created_at`,
      [ids],
    );
    const texts = (id: string) => rows.filter((r) => r.session_id === id).map((r) => r.text);
    expect(texts(ids[0]!)).toEqual(['Dzień dobry', 'pierwsza']);
    expect(texts(ids[1]!)).toEqual(['Dzień dobry']);
    expect(texts(ids[2]!)).toEqual(['Dzień dobry', 'trzecia']);
  });
});
