/**
 * The consent trail over HTTP on the real application: consent given in the chat and through the
 * contact form, withdrawn by one-click unsubscribe and by erasure, then read back by e-mail, phone,
 * lead and conversation, filtered by purpose, source and time, paged with the cursor and exported as
 * CSV. The answers never hold an address or a keyed hash, and bad filters are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  FAST_OUTBOX,
  postLead,
  startSmtpPeer,
  waitFor,
  type FakeSmtpPeer,
} from '../integrations/fake-peers.js';
import { setupAdmin, staffWithRole, type StaffClient } from '../security/staff-client.js';
import { chat, qualification } from './helpers.js';

interface ConsentEvent {
  id: string;
  at: string;
  purpose: string;
  oldValue: string;
  newValue: string;
  source: string;
  leadId: string | null;
  sessionId: string | null;
}
interface ConsentPage {
  events: ConsentEvent[];
  nextCursor: string | null;
}

const OLA = { email: 'ola.trail@example.com', phone: '607 111 222' };
const PIOTR = { email: 'piotr.form@example.pl', phone: '+48 608 333 444' };

describe.each(databaseTargets())('consent trail (%s)', (database) => {
  let server: TestServer;
  let smtp: FakeSmtpPeer;
  let admin: StaffClient;
  let ola: { leadId: string; sessionId: string };
  let piotrLead: string;

  const trail = async (params: Record<string, string>): Promise<ConsentPage> => {
    const res = await admin.call('GET', `/api/v1/admin/privacy/consents?${new URLSearchParams(params)}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as ConsentPage;
  };
  const brief = (e: ConsentEvent) => `${e.purpose}:${e.oldValue}>${e.newValue}:${e.source}`;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startTestServer({
      database,
      env: {
        ...FAST_OUTBOX,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Nova Dom <kontakt@example.pl>',
        INTEGRATION_BREAKER_FAILURES: '1000',
      },
    });
    admin = await setupAdmin(server);

    // Ola gives consent in the chat (processing and marketing), Piotr through the contact form.
    const conversation = await chat(server.url, qualification('Ola', OLA.email, OLA.phone));
    const lookup = (await (
      await admin.call('GET', `/api/v1/admin/privacy/search?email=${encodeURIComponent(OLA.email)}`)
    ).json()) as { leads: Array<{ id: string }> };
    ola = { leadId: lookup.leads[0]!.id, sessionId: conversation.sessionId };
    const form = await postLead(server.url, {
      name: 'Piotr',
      email: PIOTR.email,
      phone: PIOTR.phone,
      locale: 'pl',
      consent: { processing: true, marketing: true },
    });
    expect(form.status).toBe(201);
    piotrLead = ((await form.json()) as { id: string }).id;

    // Ola withdraws marketing consent with the one-click link of her confirmation e-mail.
    await waitFor('the confirmation e-mail', () => smtp.mails.some((m) => m.to.includes(OLA.email)), 60_000);
    const raw = smtp.mails.find((m) => m.to.includes(OLA.email))!.raw.replace(/\r?\n[ \t]+/g, ' ');
    const link = new URL(/^List-Unsubscribe: <([^>]+)>/im.exec(raw)![1]!);
    const unsubscribe = await fetch(`${server.url}${link.pathname}${link.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.status).toBe(200);
  });

  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('finds a person by e-mail or phone, newest first, without addresses or hashes', async () => {
    const byEmail = await trail({ email: ' Ola.Trail@Example.COM '.trim() });
    // In the chat, the lead is saved before marketing consent is asked: first "no", then "yes".
    expect(byEmail.events.map(brief)).toEqual([
      'marketing:given>withdrawn:unsubscribe',
      'marketing:withdrawn>given:chat',
      'marketing:unknown>withdrawn:chat',
      'processing:unknown>given:chat',
    ]);
    expect(byEmail.nextCursor).toBeNull();
    for (const e of byEmail.events) {
      expect(e.leadId).toBe(ola.leadId);
      expect(e.sessionId).toBe(ola.sessionId);
      expect(Object.keys(e).sort()).toEqual(
        ['at', 'id', 'leadId', 'newValue', 'oldValue', 'purpose', 'sessionId', 'source'].sort(),
      );
    }
    const ids = byEmail.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const text = JSON.stringify(byEmail);
    expect(text).not.toMatch(/ola\.trail|607|111/i);

    // The log keeps Ola under her e-mail; her phone number finds her through her lead.
    const byPhone = await trail({ phone: '+48607111222' });
    expect(byPhone.events.map((e) => e.id)).toEqual(byEmail.events.map((e) => e.id));

    // Piotr's form consent, by his phone alone; nobody else's.
    const piotr = await trail({ phone: '608-333-444' });
    expect(piotr.events.map(brief)).toEqual([
      'marketing:unknown>given:form',
      'processing:unknown>given:form',
    ]);
    expect(piotr.events.every((e) => e.leadId === piotrLead && e.sessionId === null)).toBe(true);
    expect((await trail({ email: 'nobody@example.pl' })).events).toEqual([]);
  });

  it('filters by lead, conversation, purpose, source and time', async () => {
    const byLead = await trail({ leadId: piotrLead });
    expect(byLead.events).toHaveLength(2);
    const bySession = await trail({ sessionId: ola.sessionId });
    expect(bySession.events.map(brief)).toEqual((await trail({ email: OLA.email })).events.map(brief));

    const marketing = await trail({ purpose: 'marketing' });
    expect(marketing.events.every((e) => e.purpose === 'marketing')).toBe(true);
    expect(marketing.events.map(brief)).toEqual([
      'marketing:given>withdrawn:unsubscribe',
      'marketing:unknown>given:form',
      'marketing:withdrawn>given:chat',
      'marketing:unknown>withdrawn:chat',
    ]);
    const withdrawn = await trail({ source: 'unsubscribe', leadId: ola.leadId });
    expect(withdrawn.events.map(brief)).toEqual(['marketing:given>withdrawn:unsubscribe']);
    expect((await trail({ source: 'unsubscribe', leadId: piotrLead })).events).toEqual([]);

    const all = await trail({ limit: '200' });
    const first = all.events.at(-1)!;
    const last = all.events[0]!;
    expect((await trail({ from: new Date(Date.now() + 3_600_000).toISOString() })).events).toEqual([]);
    expect((await trail({ to: first.at })).events).toEqual([]);
    const window = await trail({
      from: first.at,
      to: new Date(new Date(last.at).getTime() + 1).toISOString(),
      limit: '200',
    });
    expect(window.events.map((e) => e.id)).toEqual(all.events.map((e) => e.id));
  });

  it('pages with the cursor: every event once, newest first', async () => {
    const all = await trail({ limit: '200' });
    expect(all.events.length).toBeGreaterThanOrEqual(6);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ConsentPage = await trail({ limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual(all.events.map((e) => e.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('exports the same filter as CSV', async () => {
    const res = await admin.call(
      'GET',
      `/api/v1/admin/privacy/consents/export?email=${encodeURIComponent(OLA.email)}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="consents-/);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('at,purpose,oldValue,newValue,source,leadId,sessionId');
    expect(lines.slice(1).map((l) => l.split(',').slice(1, 5).join(':'))).toEqual([
      'marketing:given:withdrawn:unsubscribe',
      'marketing:withdrawn:given:chat',
      'marketing:unknown:withdrawn:chat',
      'processing:unknown:given:chat',
    ]);
    expect(lines.join('\n')).not.toMatch(/ola\.trail/i);
  });

  it('keeps the trail after erasure, with the withdrawals erasure recorded', async () => {
    const erased = await admin.call('POST', '/api/v1/admin/privacy/erase', {
      body: { email: PIOTR.email, confirm: true },
    });
    expect(erased.status).toBe(200);
    const after = await trail({ email: PIOTR.email });
    expect(after.events.map(brief)).toEqual([
      'marketing:given>withdrawn:erasure',
      'processing:given>withdrawn:erasure',
      'marketing:unknown>given:form',
      'processing:unknown>given:form',
    ]);
  });

  it('refuses bad filters and callers without the admin role, changing nothing', async () => {
    const [before] = await server.runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM consent_log');
    const cases: Array<[string, number, string]> = [
      ['limit=0', 400, 'validation_failed'],
      ['limit=201', 400, 'validation_failed'],
      ['purpose=newsletter', 400, 'validation_failed'],
      ['source=import', 400, 'validation_failed'],
      ['leadId=42', 400, 'validation_failed'],
      ['sessionId=a%20b', 400, 'validation_failed'],
      ['email=not-an-address', 400, 'validation_failed'],
      ['phone=12345', 400, 'validation_failed'],
      ['from=yesterday', 400, 'validation_failed'],
      ['subjectHash=abc', 400, 'validation_failed'],
      ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 400, 'invalid_range'],
      ['cursor=not-a-cursor', 400, 'invalid_cursor'],
      [
        `cursor=${Buffer.from('consent:1; DROP TABLE consent_log').toString('base64url')}`,
        400,
        'invalid_cursor',
      ],
    ];
    for (const [query, status, error] of cases) {
      const res = await admin.call('GET', `/api/v1/admin/privacy/consents?${query}`);
      expect([query, res.status, ((await res.json()) as { error: string }).error]).toEqual([
        query,
        status,
        error,
      ]);
    }
    const csv = await admin.call('GET', '/api/v1/admin/privacy/consents/export?purpose=all');
    expect(csv.status).toBe(400);

    const operator = await staffWithRole(server, admin, 'operator');
    expect((await operator.call('GET', '/api/v1/admin/privacy/consents')).status).toBe(403);
    expect((await operator.call('GET', '/api/v1/admin/privacy/consents/export')).status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/admin/privacy/consents`)).status).toBe(401);
    const [after] = await server.runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM consent_log');
    expect(after).toEqual(before);
  });
});
