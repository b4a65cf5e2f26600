/**
 * Data subject requests end to end, on the real application with a real SMTP peer: one person's data
 * is seeded in every table that can hold customer data (the inventory says which; a table the seeding
 * does not reach fails the test), erased through the e-mail-verified public flow, and searched for in
 * every annotated column afterwards — while another person's data stays. Export gives a one-time zip;
 * staff search, export and erase through the admin API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerTables, allTables, PLAIN } from '../../src/modules/privacy/inventory.js';
import { createHasher } from '../../src/modules/privacy/subject.js';
import { filesUnder, png, postUpload } from '../bad-input/fixtures.js';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  FAST_OUTBOX,
  postLead,
  startSmtpPeer,
  waitFor,
  type FakeSmtpPeer,
} from '../integrations/fake-peers.js';
import { setupAdmin, type StaffClient } from '../security/staff-client.js';
import { chat, decoded, linkIn, postForm, qualification, readZip } from './helpers.js';

const SECRET = 'privacy-tests-session-key-0123456789abcdef';
const A = { name: 'Michał', email: 'michal.erase@example.com', phone: '600 100 200', digits: '600100200' };
const B = { name: 'Anna', email: 'anna.keep@example.pl', phone: '+48 511 222 333', digits: '511222333' };

async function mailWith(smtp: FakeSmtpPeer, to: string, text: string): Promise<string> {
  let found: string | undefined;
  await waitFor(
    `an e-mail to ${to} with "${text}"`,
    () => {
      found = smtp.mails
        .filter((m) => m.to.includes(to))
        .map((m) => decoded(m.raw))
        .find((m) => m.includes(text));
      return found !== undefined;
    },
    60_000,
  );
  return found!;
}

/** Rows of a table whose annotated columns contain any of the needles (digits compared without formatting). */
async function matches(
  server: TestServer,
  table: string,
  needles: { text: string[]; digits: string[] },
): Promise<number> {
  const entry = allTables().find((t) => t.table === table)!;
  const cols = Object.entries(entry.columns)
    .filter(([, a]) => a !== PLAIN)
    .map(([c]) => c);
  if (cols.length === 0) return 0;
  const conditions = cols.flatMap((c) => [
    `"${c}"::text ILIKE ANY($1::text[])`,
    `regexp_replace("${c}"::text, '\\D', '', 'g') LIKE ANY($2::text[])`,
  ]);
  const [row] = await server.runtime.db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM "${table}" WHERE ${conditions.join(' OR ')}`,
    [needles.text.map((t) => `%${t}%`), needles.digits.map((d) => `%${d}%`)],
  );
  return Number(row?.n ?? 0);
}

describe.each(databaseTargets())('privacy requests (%s)', (database) => {
  let server: TestServer;
  let smtp: FakeSmtpPeer;
  let uploadDir: string;
  let admin: StaffClient;
  const hasher = createHasher(SECRET);

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-privacy-uploads-'));
    server = await startTestServer({
      database,
      env: {
        ...FAST_OUTBOX,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Nova Dom <kontakt@example.pl>',
        SESSION_SECRET: SECRET,
        UPLOAD_DIR: uploadDir,
        INTEGRATION_BREAKER_FAILURES: '1000',
      },
    });
    admin = await setupAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    server.runtime.db.query<T>(sql, params);

  it('answers the same 202 for a known and an unknown address', async () => {
    const send = (email: string) =>
      fetch(`${server.url}/api/v1/privacy/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'export', email }),
      });
    await postLead(server.url, {
      name: 'Known',
      email: 'known.person@example.pl',
      locale: 'pl',
      consent: { processing: true },
    });
    const known = await send('known.person@example.pl');
    const unknown = await send('nobody.here@example.pl');
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.json()).toEqual(await unknown.json());
    const bad = await send('not-an-address');
    expect(bad.status).toBe(400);
  });

  it("erases one person's data from every table through the verified link, and leaves another person's", async () => {
    // Person A: a whole conversation with a lead, a handoff request, an attachment, and the form.
    const a = await chat(server.url, [
      ...qualification(A.name, A.email, A.phone),
      'Chcę rozmawiać z konsultantem',
    ]);
    const upA = await postUpload(server.url, { sessionId: a.sessionId, secret: a.secret }, [
      { field: 'file', filename: 'plan-michal.png', contentType: 'image/png', data: png() },
    ]);
    expect(upA.status).toBe(201);
    expect(
      (
        await postLead(server.url, {
          name: A.name,
          email: A.email.toUpperCase(),
          phone: '+48600100200',
          message: 'Proszę o kontakt, Michał',
          locale: 'pl',
          consent: { processing: true, marketing: true },
        })
      ).status,
    ).toBe(201);
    const leadIdsA = (await q<{ id: string }>(`SELECT id FROM leads WHERE lower(email) = $1`, [A.email])).map(
      (r) => r.id,
    );
    expect(leadIdsA).toHaveLength(2);
    // Person B: a conversation with an attachment, and the form.
    const b = await chat(server.url, ['Dzień dobry, ile trwa wykończenie?']);
    expect(
      (
        await postUpload(server.url, { sessionId: b.sessionId, secret: b.secret }, [
          { field: 'file', filename: 'b.png', contentType: 'image/png', data: png() },
        ])
      ).status,
    ).toBe(201);
    expect(
      (
        await postLead(server.url, {
          name: B.name,
          email: B.email,
          phone: B.phone,
          locale: 'pl',
          consent: { processing: true, marketing: true },
        })
      ).status,
    ).toBe(201);
    const [leadB] = await q<{ id: string }>(`SELECT id FROM leads WHERE email = $1`, [B.email]);

    // Tables no customer flow fills on its own here get a row for A directly.
    const seedA: Record<string, () => Promise<unknown>> = {
      lead_notes: () =>
        q(`INSERT INTO lead_notes (lead_id, text) VALUES ($1, $2)`, [
          leadIdsA[0],
          `Dzwonić po 17, ${A.name}`,
        ]),
      lead_crm_links: () =>
        q(`INSERT INTO lead_crm_links (lead_id, provider, external_id) VALUES ($1, 'monday', '9001')`, [
          leadIdsA[0],
        ]),
      blocklist: () =>
        q(
          `INSERT INTO blocklist (kind, value, reason, created_by, expires_at)
           VALUES ('session', $1, 'abuse', 'system', now() + interval '1 hour')`,
          [a.sessionId],
        ),
      live_events: () =>
        q(
          `INSERT INTO live_events (session_id, audience, type, payload) VALUES ($1, 'staff', 'message', $2::jsonb)`,
          [a.sessionId, JSON.stringify({ text: `${A.email} ${A.phone}` })],
        ),
      handoffs: () =>
        q(
          `INSERT INTO handoffs (session_id, reason, summary, details) VALUES ($1, 'customer_request', $2, $3::jsonb)`,
          [a.sessionId, `${A.name} chce rozmowy`, JSON.stringify({ email: A.email })],
        ),
      llm_failures: () =>
        q(
          `INSERT INTO llm_failures (provider, model, kind, http_status, session_id)
           VALUES ('primary', 'test-model', 'server', 503, $1)`,
          [a.sessionId],
        ),
    };
    const hashesA = [hasher.subject(`email:${A.email}`), hasher.subject(`phone:${A.digits}`)];
    const needlesA = {
      text: [A.email, 'Micha', a.sessionId, ...leadIdsA, ...hashesA],
      digits: [A.digits],
    };
    // The erasure request of A, made now, is itself a privacy_requests row of A.
    const request = await fetch(`${server.url}/api/v1/privacy/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'erase', email: A.email, locale: 'pl' }),
    });
    expect(request.status).toBe(202);
    const uncovered: string[] = [];
    for (const t of customerTables()) {
      if ((await matches(server, t.table, needlesA)) > 0) continue;
      const seed = seedA[t.table];
      if (seed) await seed();
      if ((await matches(server, t.table, needlesA)) === 0) uncovered.push(t.table);
    }
    expect(uncovered, 'customer tables the seeding does not reach: seed them here').toEqual([]);
    expect(filesUnder(uploadDir)).toHaveLength(2);
    const bBefore = {
      messages: await q(`SELECT text FROM chat_messages WHERE session_id = $1 ORDER BY id`, [b.sessionId]),
      consent: await q(`SELECT id FROM consent_log WHERE lead_id = $1`, [leadB!.id]),
    };

    // The e-mailed link opens a confirm page that changes nothing, even when followed twice.
    const mail = await mailWith(smtp, A.email, '/privacy/verify?token=');
    const link = linkIn(mail, '/privacy/verify?token=');
    const verifyUrl = `${server.url}${new URL(link).pathname}${new URL(link).search}`;
    for (let i = 0; i < 2; i++) {
      const page = await fetch(verifyUrl);
      expect(page.status).toBe(200);
      const body = await page.text();
      expect(body).toContain('action="/privacy/verify"');
      expect(body).not.toMatch(/<script|style=/i);
    }
    expect(await matches(server, 'leads', needlesA)).toBe(2);

    const token = new URL(link).searchParams.get('token')!;
    const done = await postForm(`${server.url}/privacy/verify`, { token });
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/Dane usunięte/);
    // The link works once.
    expect((await postForm(`${server.url}/privacy/verify`, { token })).status).toBe(404);

    // Nothing of A remains in any annotated column (e-mail, phone in any format, name).
    const leftovers: string[] = [];
    for (const t of allTables()) {
      const n = await matches(server, t.table, { text: [A.email, 'Micha'], digits: [A.digits] });
      if (n > 0) leftovers.push(`${t.table}: ${n}`);
    }
    expect(leftovers).toEqual([]);
    for (const table of [
      'chat_sessions',
      'chat_messages',
      'uploads',
      'handoffs',
      'live_events',
      'blocklist',
    ]) {
      const [row] = await q<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} WHERE ${table === 'chat_sessions' ? 'id' : table === 'blocklist' ? 'value' : 'session_id'} = $1`,
        [a.sessionId],
      );
      expect(Number(row!.n), table).toBe(0);
    }
    const jobs = await q(`SELECT id FROM pgboss.job WHERE data->'payload'->>'leadId' = ANY($1::text[])`, [
      leadIdsA,
    ]);
    expect(jobs).toHaveLength(0);
    // A's file is gone; B's is still there.
    expect(filesUnder(uploadDir)).toHaveLength(1);
    // The erasure is recorded, with where the data still is (backups until rotation).
    const [record] = await q<{ status: string; email: string | null; result: Record<string, unknown> }>(
      `SELECT status, email, result FROM privacy_requests WHERE kind = 'erase' AND subject_hash = $1`,
      [hashesA[0]],
    );
    expect(record).toMatchObject({ status: 'completed', email: null });
    expect(String(record!.result.remainsIn)).toMatch(/backups/);
    const withdrawn = await q(`SELECT id FROM consent_log WHERE source = 'erasure' AND subject_hash = $1`, [
      hashesA[0],
    ]);
    expect(withdrawn.length).toBeGreaterThan(0);
    const [audit] = await q(`SELECT details FROM audit_log WHERE action = 'privacy.erased'`);
    expect(audit).toBeDefined();

    // B is untouched.
    expect(
      await q(`SELECT text FROM chat_messages WHERE session_id = $1 ORDER BY id`, [b.sessionId]),
    ).toEqual(bBefore.messages);
    expect(await q(`SELECT id FROM consent_log WHERE lead_id = $1`, [leadB!.id])).toEqual(bBefore.consent);
    const [keptB] = await q<{ email: string; first_name: string; phone: string }>(
      `SELECT email, first_name, phone FROM leads WHERE id = $1`,
      [leadB!.id],
    );
    expect(keptB).toEqual({ email: B.email, first_name: B.name, phone: B.phone });
  });

  it('exports a verified request once, as a zip of JSON, CSV and the uploaded files', async () => {
    const c = await chat(server.url, qualification('Tomasz', 'tomasz.export@example.com', '722 333 444'));
    expect(
      (
        await postUpload(server.url, { sessionId: c.sessionId, secret: c.secret }, [
          { field: 'file', filename: 'kuchnia.png', contentType: 'image/png', data: png() },
        ])
      ).status,
    ).toBe(201);
    const res = await postForm(`${server.url}/privacy/request`, {
      kind: 'export',
      email: 'tomasz.export@example.com',
      locale: 'en',
    });
    expect(res.status).toBe(202);
    const mail = await mailWith(smtp, 'tomasz.export@example.com', '/privacy/verify?token=');
    const token = new URL(linkIn(mail, '/privacy/verify?token=')).searchParams.get('token')!;
    const page = await postForm(`${server.url}/privacy/verify`, { token });
    expect(page.status).toBe(200);
    const download = /href="(\/api\/v1\/privacy\/exports\/[^"]+)"/.exec(await page.text())?.[1];
    expect(download).toBeDefined();
    const zipRes = await fetch(`${server.url}${download}`);
    expect(zipRes.status).toBe(200);
    expect(zipRes.headers.get('content-type')).toMatch(/application\/zip/);
    const entries = readZip(Buffer.from(await zipRes.arrayBuffer()));
    const data = JSON.parse(entries.get('data.json')!.toString('utf8')) as {
      tables: Record<string, Record<string, unknown>[]>;
    };
    expect(data.tables.leads?.[0]?.email).toBe('tomasz.export@example.com');
    expect(data.tables.chat_messages!.length).toBeGreaterThan(10);
    expect(data.tables.consent_log!.length).toBeGreaterThan(0);
    expect(JSON.stringify(data)).not.toContain('secret_hash');
    expect(entries.get('csv/leads.csv')!.toString('utf8')).toContain('tomasz.export@example.com');
    const file = [...entries.keys()].find((k) => k.startsWith('files/') && k.endsWith('kuchnia.png'));
    expect(file && entries.get(file)!.equals(png())).toBe(true);
    // Once only.
    expect((await fetch(`${server.url}${download}`)).status).toBe(404);
    const [row] = await q<{ email: string | null; status: string }>(
      `SELECT email, status FROM privacy_requests WHERE kind = 'export' AND downloaded_at IS NOT NULL`,
    );
    expect(row).toEqual({ email: null, status: 'completed' });
  });

  it('lets staff search, export and erase by phone number, with an explicit confirmation', async () => {
    await chat(server.url, qualification('Ewa', 'ewa.staff@example.com', '733 444 555'));
    const found = await admin.call(
      'GET',
      `/api/v1/admin/privacy/search?phone=${encodeURIComponent('+48 733-444-555')}`,
    );
    expect(found.status).toBe(200);
    const summary = (await found.json()) as {
      found: boolean;
      leads: { email: string }[];
      conversations: unknown[];
    };
    expect(summary.found).toBe(true);
    expect(summary.leads.map((l) => l.email)).toEqual(['ewa.staff@example.com']);
    expect(summary.conversations).toHaveLength(1);

    const exported = await admin.call('POST', '/api/v1/admin/privacy/export', {
      body: { phone: '733444555' },
    });
    expect(exported.status).toBe(200);
    const zip = readZip(Buffer.from(await exported.arrayBuffer()));
    expect(zip.get('data.json')!.toString('utf8')).toContain('ewa.staff@example.com');

    const unconfirmed = await admin.call('POST', '/api/v1/admin/privacy/erase', {
      body: { phone: '733444555' },
    });
    expect(unconfirmed.status).toBe(400);
    expect((await admin.call('GET', '/api/v1/admin/privacy/search?email=ewa.staff@example.com')).status).toBe(
      200,
    );
    const erased = await admin.call('POST', '/api/v1/admin/privacy/erase', {
      body: { phone: '733444555', confirm: true },
    });
    expect(erased.status).toBe(200);
    const result = (await erased.json()) as { erased: Record<string, number>; remainsIn: string };
    expect(result.erased.leads).toBe(1);
    expect(result.remainsIn).toMatch(/backups/);
    const after = (await (
      await admin.call('GET', '/api/v1/admin/privacy/search?email=ewa.staff@example.com')
    ).json()) as { found: boolean };
    expect(after.found).toBe(false);
    const [audit] = await q(
      `SELECT actor_type FROM audit_log WHERE action = 'privacy.erased' AND actor_type = 'user'`,
    );
    expect(audit).toBeDefined();
    // Without a staff session the admin API refuses.
    const anonymous = await fetch(`${server.url}/api/v1/admin/privacy/search?email=ewa.staff@example.com`);
    expect(anonymous.status).toBe(401);
  });
});
