/**
 * Consent and retention on the real application: customer e-mails carry a one-click unsubscribe
 * (headers and a link in the body) that stops follow-ups at once; every consent change lands in the
 * consent log; the daily retention job anonymises old conversations, anonymises old leads and
 * removes their files, hard-deletes soft-deleted rows after the grace period, and reports what it
 * did in metrics and the audit log. The policy page and the widget's consent notice come from
 * configuration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { chat, postForm, qualification } from './helpers.js';

const METRICS_TOKEN = 'metrics-token-for-privacy-tests-0123456789';

describe.each(databaseTargets())('consent, unsubscribe and retention (%s)', (database) => {
  let server: TestServer;
  let smtp: FakeSmtpPeer;
  let uploadDir: string;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-retention-uploads-'));
    server = await startTestServer({
      database,
      env: {
        ...FAST_OUTBOX,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Nova Dom <kontakt@example.pl>',
        UPLOAD_DIR: uploadDir,
        METRICS_TOKEN,
        PRIVACY_CONTACT_EMAIL: 'iod@novadom.example',
        RETENTION_CONVERSATION_MONTHS: '12',
        RETENTION_LEAD_MONTHS: '24',
        RETENTION_GRACE_DAYS: '30',
        INTEGRATION_BREAKER_FAILURES: '1000',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    server.runtime.db.query<T>(sql, params);

  async function runTask(name: string) {
    await q(`UPDATE frontdesk_scheduled_tasks SET last_started_at = 'epoch' WHERE name = $1`, [name]);
    const ran = await server.runtime.runScheduledTasks();
    expect(ran).toContain(name);
  }

  it('stops follow-ups at once through the one-click link of the customer e-mail, and logs consent', async () => {
    const email = 'jan.unsub@example.com';
    const c = await chat(server.url, qualification('Jan', email, '604 555 666'));
    const [lead] = await q<{ id: string; marketing_consent: boolean }>(
      `SELECT id, marketing_consent FROM leads WHERE email = $1`,
      [email],
    );
    expect(lead?.marketing_consent).toBe(true);
    const given = await q<{ purpose: string; new_value: string; source: string; ip_hash: string | null }>(
      `SELECT purpose, new_value, source, ip_hash FROM consent_log WHERE lead_id = $1 ORDER BY id`,
      [lead!.id],
    );
    expect(given.map((g) => `${g.purpose}:${g.new_value}:${g.source}`)).toEqual(
      expect.arrayContaining(['processing:given:chat', 'marketing:given:chat']),
    );
    expect(given.every((g) => typeof g.ip_hash === 'string' && !g.ip_hash.includes('127.0.0.1'))).toBe(true);
    expect(c.sessionId).toBeTruthy();

    // The confirmation e-mail: List-Unsubscribe (one-click) and a link in the body.
    await waitFor('the confirmation e-mail', () => smtp.mails.some((m) => m.to.includes(email)), 60_000);
    const raw = smtp.mails.find((m) => m.to.includes(email))!.raw;
    const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ');
    const header = /^List-Unsubscribe: <([^>]+)>/im.exec(unfolded)?.[1];
    expect(header).toMatch(/\/api\/v1\/privacy\/unsubscribe\?token=/);
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    const body = raw.replace(/=\r?\n/g, '');
    expect(body).toMatch(/\/privacy\/unsubscribe\?token=3D|\/privacy\/unsubscribe\?token=/);

    // A page visit changes nothing.
    const token = new URL(header!).searchParams.get('token')!;
    const page = await fetch(`${server.url}/privacy/unsubscribe?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('action="/privacy/unsubscribe"');
    expect((await q(`SELECT unsubscribed_at FROM leads WHERE id = $1`, [lead!.id]))[0]).toEqual({
      unsubscribed_at: null,
    });

    // A forged token is refused and changes nothing.
    const forged = await fetch(`${server.url}/api/v1/privacy/unsubscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: `${lead!.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` }),
    });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: string }).error).toBe('invalid_token');

    // One click, as a mail client does it (RFC 8058).
    const oneClick = await fetch(`${server.url}${new URL(header!).pathname}${new URL(header!).search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const [after] = await q<{ marketing_consent: boolean; unsubscribed_at: Date | null }>(
      `SELECT marketing_consent, unsubscribed_at FROM leads WHERE id = $1`,
      [lead!.id],
    );
    expect(after?.marketing_consent).toBe(false);
    expect(after?.unsubscribed_at).not.toBeNull();
    const withdrawn = await q(
      `SELECT old_value FROM consent_log WHERE lead_id = $1 AND source = 'unsubscribe' AND purpose = 'marketing' AND new_value = 'withdrawn'`,
      [lead!.id],
    );
    expect(withdrawn).toEqual([{ old_value: 'given' }]);

    // The page form works too (idempotent), and follow-ups are no longer queued for this lead.
    const again = await postForm(`${server.url}/privacy/unsubscribe`, { token, locale: 'en' });
    expect(again.status).toBe(200);
    const other = await chat(server.url, qualification('Adam', 'adam.stays@example.com', '605 777 888'));
    expect(other.sessionId).toBeTruthy();
    await q(`UPDATE leads SET created_at = now() - interval '25 hours' WHERE email IN ($1, $2)`, [
      email,
      'adam.stays@example.com',
    ]);
    await runTask('lead-followups');
    const followups = await q<{ lead: string }>(
      `SELECT data->'payload'->>'leadId' AS lead FROM pgboss.job WHERE name = 'lead-followup-email'`,
    );
    const [adam] = await q<{ id: string }>(`SELECT id FROM leads WHERE email = 'adam.stays@example.com'`);
    expect(followups.map((f) => f.lead)).toContain(adam!.id);
    expect(followups.map((f) => f.lead)).not.toContain(lead!.id);
    // The consent log cannot be rewritten.
    await expect(q(`UPDATE consent_log SET new_value = 'given'`)).rejects.toThrow(/append-only/);
  });

  it('anonymises old conversations and leads, removes files and soft-deleted rows, and reports it', async () => {
    const old = await chat(server.url, qualification('Piotr', 'piotr.old@example.com', '606 123 456'));
    expect(
      (
        await postUpload(server.url, { sessionId: old.sessionId, secret: old.secret }, [
          { field: 'file', filename: 'stare.png', contentType: 'image/png', data: png() },
        ])
      ).status,
    ).toBe(201);
    const recent = await chat(server.url, ['Ile kosztuje pakiet Premium za 40 m2?']);
    const soft = await postLead(server.url, {
      name: 'Zofia',
      email: 'zofia.soft@example.pl',
      locale: 'pl',
      consent: { processing: true },
    });
    expect(soft.status).toBe(201);
    const filesBefore = filesUnder(uploadDir).length;
    const countBefore = await q<{ n: string }>(
      `SELECT count(*) AS n FROM chat_messages WHERE session_id = $1`,
      [old.sessionId],
    );
    await q(`UPDATE chat_sessions SET last_activity_at = now() - interval '13 months' WHERE id = $1`, [
      old.sessionId,
    ]);
    await q(`UPDATE leads SET updated_at = now() - interval '25 months' WHERE session_id = $1`, [
      old.sessionId,
    ]);
    await q(`UPDATE leads SET deleted_at = now() - interval '31 days' WHERE email = 'zofia.soft@example.pl'`);

    await runTask('privacy-retention');

    const messages = await q<{ role: string; text: string; meta: Record<string, unknown> | null }>(
      `SELECT role, text, meta FROM chat_messages WHERE session_id = $1 ORDER BY created_at, id`,
      [old.sessionId],
    );
    expect(messages.length).toBe(Number(countBefore[0]!.n));
    const said = messages.filter((m) => m.role !== 'system');
    expect(said.every((m) => m.text === '[anonymised]')).toBe(true);
    expect(said.some((m) => typeof m.meta?.intent === 'string')).toBe(true);
    expect(JSON.stringify(messages)).not.toMatch(/piotr|606|Piotr/i);
    const [session] = await q<{ state: unknown; anonymized_at: Date | null; message_count: number }>(
      `SELECT state, anonymized_at, message_count FROM chat_sessions WHERE id = $1`,
      [old.sessionId],
    );
    expect(session?.state).toEqual({});
    expect(session?.anonymized_at).not.toBeNull();
    expect(session?.message_count).toBe(Number(countBefore[0]!.n));
    const [lead] = await q<{
      email: string | null;
      first_name: string | null;
      phone: string | null;
      city: string;
    }>(`SELECT email, first_name, phone, city FROM leads WHERE session_id = $1`, [old.sessionId]);
    expect(lead).toEqual({ email: null, first_name: null, phone: null, city: 'Wrocław' });
    expect(filesUnder(uploadDir).length).toBe(filesBefore - 1);
    expect(await q(`SELECT id FROM leads WHERE email = 'zofia.soft@example.pl'`)).toEqual([]);
    // The visitor's old link no longer opens the conversation.
    const transcript = await fetch(`${server.url}/api/v1/chat/${old.sessionId}/messages`, {
      headers: { 'x-session-secret': old.secret },
    });
    expect(transcript.status).toBe(404);
    // A recent conversation is untouched.
    const recentMessages = await q<{ text: string }>(`SELECT text FROM chat_messages WHERE session_id = $1`, [
      recent.sessionId,
    ]);
    expect(recentMessages.some((m) => m.text.includes('Premium'))).toBe(true);

    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(
      /frontdesk_retention_rows_total\{table="chat_messages",action="anonymized"\} [1-9]/,
    );
    expect(metrics).toMatch(/frontdesk_retention_rows_total\{table="leads",action="deleted"\} [1-9]/);
    const audit = await q<{ details: { counts: Record<string, { anonymized: number }> } }>(
      `SELECT details FROM audit_log WHERE action = 'privacy.retention' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit[0]?.details.counts.chat_sessions?.anonymized).toBeGreaterThanOrEqual(1);
  });

  it('generates the policy page and the widget consent notice from configuration', async () => {
    for (const [lang, months, contact] of [
      ['pl', '12 miesięcy', 'Prawa'],
      ['en', '12 months', 'rights'],
    ] as const) {
      const res = await fetch(`${server.url}/privacy?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      expect(html).toContain('Nova Dom Wykończenia sp. z o.o.');
      expect(html).toContain('iod@novadom.example');
      expect(html).toContain(months);
      expect(html).toContain('/privacy/request');
      expect(html).toContain('href="/privacy/style.css"');
      expect(html).not.toMatch(/<script|<style|style=/i);
      expect(html.toLowerCase()).toContain(contact.toLowerCase());
    }
    const css = await fetch(`${server.url}/privacy/style.css`);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    const form = await (await fetch(`${server.url}/privacy/request?lang=en`)).text();
    expect(form).toMatch(/<form method="post" action="\/privacy\/request">/);
    expect(form).toMatch(/<label for="email">/);
    const bad = await postForm(`${server.url}/privacy/request`, {
      kind: 'export',
      email: 'nope',
      locale: 'en',
    });
    expect(bad.status).toBe(400);
    const widget = (await (await fetch(`${server.url}/api/v1/widget/config?locale=pl`)).json()) as {
      consentNotice: string;
    };
    expect(widget.consentNotice).toContain('Nova Dom Wykończenia sp. z o.o.');
    expect(widget.consentNotice).toContain('12 miesięcy');
  });
});
