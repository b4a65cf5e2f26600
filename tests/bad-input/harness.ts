/**
 * The bad-input harness: a running Frontdesk with every kind of caller prepared (visitor, viewer,
 * operator, admin, API tokens good, narrow, forged and expired, an expired cookie; a lead from the
 * contact form; handoffs waiting, claimed by the admin and released), a way to send a case exactly as
 * written (raw bytes, raw headers, even an unparseable request), and a snapshot of
 * everything that could be written (row counts of every table, files in UPLOAD_DIR).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { routeAccessList } from '../../src/modules/auth/guard.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { DatabaseTarget } from '../helpers/database.js';
import { createToken, setupAdmin, staffWithRole, type StaffClient } from '../security/staff-client.js';
import { filesUnder, png, postUpload, startChat } from './fixtures.js';

export const METRICS_TOKEN = 'metrics-token-for-the-bad-input-suite-0123456789';
export const UPLOAD_LIMIT_BYTES = 64 * 1024;

export type Caller =
  | 'anonymous'
  | 'viewer'
  | 'operator'
  | 'admin'
  /** A staff cookie whose session has expired. */
  | 'expiredCookie'
  /** A cookie value that was never issued. */
  | 'forgedCookie'
  /** API tokens: admin with admin:*, one with conversations:read, one with leads:read only. */
  | 'adminToken'
  | 'readerToken'
  | 'leadsToken'
  | 'expiredToken'
  | 'forgedToken';

export interface Context {
  server: TestServer;
  uploadDir: string;
  visitor: { sessionId: string; secret: string };
  adminId: string;
  viewerId: string;
  uploadId: string;
  tokenId: string;
  /** A lead from the contact form (status new), sent with this Idempotency-Key and body. */
  lead: { id: string; idempotencyKey: string; body: Record<string, unknown> };
  /** Handoffs in each state (the claimed one belongs to the admin, not to the operator). */
  handoffs: Record<'waiting' | 'claimed' | 'released', { id: string; sessionId: string }>;
  staff: Record<'viewer' | 'operator' | 'admin' | 'expiredCookie', StaffClient>;
  tokens: Record<'adminToken' | 'readerToken' | 'leadsToken' | 'expiredToken' | 'forgedToken', string>;
}

export interface Snapshot {
  rows: Record<string, number>;
  files: number;
}

export async function prepare(database: DatabaseTarget): Promise<Context> {
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-bad-input-'));
  const server = await startTestServer({
    database,
    env: {
      UPLOAD_DIR: uploadDir,
      UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT_BYTES),
      METRICS_TOKEN,
    },
  });
  const admin = await setupAdmin(server);
  const viewer = await staffWithRole(server, admin, 'viewer');
  const operator = await staffWithRole(server, admin, 'operator');
  const expiredCookie = await staffWithRole(server, admin, 'viewer');
  await server.runtime.db.query(
    "UPDATE staff_sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1",
    [expiredCookie.id],
  );
  const adminToken = await createToken(admin, { name: 'admin', scopes: ['admin:*'], role: 'admin' });
  const readerToken = await createToken(admin, { name: 'reader', scopes: ['conversations:read'] });
  const leadsToken = await createToken(admin, { name: 'leads', scopes: ['leads:read'] });
  const expiredToken = await createToken(admin, { name: 'old', scopes: ['admin:*'], role: 'admin' });
  await server.runtime.db.query("UPDATE api_tokens SET expires_at = now() - interval '1 day' WHERE id = $1", [
    expiredToken.id,
  ]);
  const visitor = await startChat(server.url);
  const uploaded = await postUpload(server.url, visitor, [
    { field: 'file', filename: 'plan.png', data: png() },
  ]);
  if (uploaded.status !== 201) throw new Error(`preparing an upload failed: ${uploaded.status}`);
  const me = (await (await admin.call('GET', '/api/v1/auth/me')).json()) as { user: { id: string } };
  const lead = await submitLead(server.url);
  const waiting = await requestHandoff(server.url, admin);
  const claimed = await requestHandoff(server.url, admin);
  const released = await requestHandoff(server.url, admin);
  for (const [handoff, steps] of [
    [claimed, ['claim']],
    [released, ['claim', 'release']],
  ] as const) {
    for (const step of steps) {
      const res = await admin.call('POST', `/api/v1/admin/handoffs/${handoff.id}/${step}`);
      if (res.status !== 200) throw new Error(`preparing a handoff (${step}) failed: ${res.status}`);
    }
  }
  return {
    server,
    uploadDir,
    visitor,
    adminId: me.user.id,
    viewerId: viewer.id,
    uploadId: ((await uploaded.json()) as { id: string }).id,
    tokenId: readerToken.id,
    lead,
    handoffs: { waiting, claimed, released },
    staff: { viewer, operator, admin, expiredCookie },
    tokens: {
      adminToken: adminToken.token,
      readerToken: readerToken.token,
      leadsToken: leadsToken.token,
      expiredToken: expiredToken.token,
      forgedToken: `fd_${crypto.randomBytes(32).toString('base64url')}`,
    },
  };
}

/** A lead from the contact form: phone only and no marketing consent, so no e-mail or follow-up. */
async function submitLead(baseUrl: string): Promise<Context['lead']> {
  const idempotencyKey = `bad-input-${crypto.randomUUID()}`;
  const body = { name: 'Anna', phone: '+48 600 100 200', locale: 'pl', consent: { processing: true } };
  const res = await fetch(`${baseUrl}/api/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`preparing a lead failed: ${res.status} ${await res.text()}`);
  return { id: ((await res.json()) as { id: string }).id, idempotencyKey, body };
}

/** A new conversation whose customer asks for a person: its handoff waits in the queue. */
async function requestHandoff(
  baseUrl: string,
  admin: StaffClient,
): Promise<{ id: string; sessionId: string }> {
  const { sessionId } = await startChat(baseUrl, 'Chcę porozmawiać z konsultantem');
  const res = await admin.call('GET', '/api/v1/admin/handoffs?status=waiting');
  const { handoffs } = (await res.json()) as { handoffs: Array<{ id: string; sessionId: string }> };
  const handoff = handoffs.find((h) => h.sessionId === sessionId);
  if (!handoff) throw new Error('preparing a handoff failed: the customer request opened none');
  return handoff;
}

export async function release(ctx: Context | undefined): Promise<void> {
  if (!ctx) return;
  await ctx.server.close();
  fs.rmSync(ctx.uploadDir, { recursive: true, force: true });
}

/** Row counts of every table (partitioned tables counted once, through their parent) and upload files. */
export async function snapshot(ctx: Context): Promise<Snapshot> {
  // Earlier, valid requests may still have live events waiting to be written in a batch.
  await ctx.server.runtime.flushBackgroundWrites();
  const db = ctx.server.runtime.db;
  const tables = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const rows: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${name}"`);
    rows[name] = Number(row?.n ?? 0);
  }
  return { rows, files: filesUnder(ctx.uploadDir).length };
}

/** Registered routes as "METHOD /pattern" (HEAD folded into GET, OPTIONS left out). */
export function registeredRoutes(ctx: Context): Set<string> {
  return new Set(
    routeAccessList(ctx.server.runtime.app)
      .filter((r) => r.method !== 'OPTIONS')
      .map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`),
  );
}

export interface Outgoing {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** The headers that make a request come from this caller. */
export function credentials(ctx: Context, caller: Caller, method: string): Record<string, string> {
  switch (caller) {
    case 'anonymous':
      return {};
    case 'forgedCookie':
      return { cookie: `fd_session=${crypto.randomBytes(32).toString('base64url')}` };
    case 'viewer':
    case 'operator':
    case 'admin':
    case 'expiredCookie': {
      const client = ctx.staff[caller];
      const headers: Record<string, string> = { cookie: `fd_session=${client.cookie ?? ''}` };
      if (!['GET', 'HEAD'].includes(method) && client.csrfToken) headers['x-csrf-token'] = client.csrfToken;
      return headers;
    }
    default:
      return { authorization: `Bearer ${ctx.tokens[caller]}` };
  }
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export async function sendFetch(ctx: Context, out: Outgoing): Promise<Answer> {
  const res = await fetch(`${ctx.server.url}${out.path}`, {
    method: out.method,
    headers: out.headers,
    body: out.body,
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, body: await res.text() };
}

/** Sends bytes exactly as given over a socket (for requests no HTTP client would produce). */
export async function sendRaw(ctx: Context, raw: Buffer): Promise<Answer> {
  const { port } = new URL(ctx.server.url);
  const data = await new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.end(raw);
  });
  const text = data.toString('latin1');
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n') };
}
