/** Helpers of the live-conversation suites: chat calls, staff clients and WebSocket clients. */
import WebSocket from 'ws';
import { setupAdmin, staffWithRole, type StaffClient } from '../security/staff-client.js';
import type { TestServer } from '../helpers/server.js';

export interface ChatSession {
  sessionId: string;
  secret: string;
}

export interface ChatAnswer {
  sessionId: string;
  sessionSecret?: string;
  reply: { text: string } | null;
  handoff?: { reason: string; status?: string };
}

/** Waits until fn returns a truthy value (bounded polling; no fixed sleeps as assertions). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function chat(base: string, message: string, session?: ChatSession): Promise<ChatAnswer> {
  const res = await fetch(`${base}/api/v1/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(session ? { 'x-session-secret': session.secret } : {}),
    },
    body: JSON.stringify({ message, ...(session ? { sessionId: session.sessionId } : {}) }),
  });
  if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as ChatAnswer;
}

export async function startChat(
  base: string,
  message: string,
): Promise<ChatSession & { answer: ChatAnswer }> {
  const answer = await chat(base, message);
  return { sessionId: answer.sessionId, secret: answer.sessionSecret ?? '', answer };
}

export interface WireEvent {
  id: number | null;
  type: string;
  sessionId: string | null;
  at?: string;
  data: Record<string, unknown>;
}

/** A WebSocket client that keeps every JSON message it received. */
export class LiveClient {
  readonly received: WireEvent[] = [];
  closeCode: number | undefined;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const event = JSON.parse(String(raw)) as WireEvent;
      this.received.push({ ...event, data: event.data ?? {} });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async open(url: string, first?: unknown): Promise<LiveClient> {
    const socket = new WebSocket(url);
    const client = new LiveClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    if (first !== undefined) socket.send(JSON.stringify(first));
    return client;
  }

  events(type?: string): WireEvent[] {
    return this.received.filter((e) => e.id !== undefined && (type === undefined || e.type === type));
  }

  async waitFor(predicate: (e: WireEvent) => boolean, what: string): Promise<WireEvent> {
    return waitFor(() => this.received.find(predicate), what);
  }

  async waitForClose(): Promise<number> {
    return waitFor(() => this.closeCode, 'the socket to close');
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export function wsUrl(base: string, path: string): string {
  return base.replace(/^http/, 'ws') + path;
}

/** The customer's widget connection: authenticates with the secret and waits until it is live. */
export async function connectWidget(
  base: string,
  session: ChatSession,
  lastEventId: number | null = 0,
): Promise<LiveClient> {
  const client = await LiveClient.open(wsUrl(base, `/api/v1/ws/chat?sessionId=${session.sessionId}`), {
    type: 'auth',
    sessionSecret: session.secret,
    lastEventId,
  });
  await client.waitFor((e) => e.type === 'ready', 'the widget socket to be ready');
  return client;
}

export async function connectAdmin(
  base: string,
  staff: StaffClient,
  lastEventId?: number,
): Promise<LiveClient> {
  const res = await staff.call('POST', '/api/v1/admin/ws-ticket');
  if (res.status !== 200) throw new Error(`ws-ticket failed: ${res.status} ${await res.text()}`);
  const { url } = (await res.json()) as { url: string };
  const client = await LiveClient.open(
    wsUrl(base, url + (lastEventId !== undefined ? `&lastEventId=${lastEventId}` : '')),
  );
  await client.waitFor((e) => e.type === 'ready', 'the admin socket to be ready');
  return client;
}

/** An admin and two operators signed in on `server` (accounts live in the shared database). */
export async function staffOn(server: TestServer) {
  const admin = await setupAdmin(server);
  const alice = await staffWithRole(server, admin, 'operator');
  const bob = await staffWithRole(server, admin, 'operator');
  const viewer = await staffWithRole(server, admin, 'viewer');
  return { admin, alice, bob, viewer };
}

export async function waitingHandoff(staff: StaffClient, sessionId: string): Promise<{ id: string }> {
  return waitFor(async () => {
    const res = await staff.call('GET', '/api/v1/admin/handoffs?status=waiting');
    const { handoffs } = (await res.json()) as { handoffs: Array<{ id: string; sessionId: string }> };
    return handoffs.find((h) => h.sessionId === sessionId);
  }, 'the handoff in the queue');
}

/**
 * Moves a conversation `minutes` into the past (its last activity and last nudge), as if that much
 * time had passed; bumps its version, like every writer of chat_sessions must.
 */
export async function backdate(
  db: { query(sql: string, params?: unknown[]): Promise<unknown> },
  sessionId: string,
  minutes: number,
): Promise<void> {
  await db.query(
    `UPDATE chat_sessions SET last_activity_at = last_activity_at - make_interval(mins => $2),
            nudged_at = nudged_at - make_interval(mins => $2), version = version + 1
      WHERE id = $1`,
    [sessionId, minutes],
  );
}
