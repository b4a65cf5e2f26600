/**
 * E-mail through a real SMTP peer: the customer's confirmation in their language, the staff notice,
 * recovery after temporary SMTP failures, the chat's lead effects, and follow-ups that stop at once
 * on unsubscribe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadService } from '../../src/modules/leads/service.js';
import { loadFollowupSteps } from '../../src/modules/leads/followups.js';
import { createJobQueue } from '../../src/platform/jobs/queue.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { databaseTargets, ROOT } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_OUTBOX, formLead, postLead, startSmtpPeer, waitFor, type FakeSmtpPeer } from './fake-peers.js';
import path from 'node:path';

const STAFF = 'biuro@example.pl';

function decoded(raw: string): string {
  // Bodies are quoted-printable or base64; the headers stay readable.
  const qp = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(qp, 'latin1').toString('utf8');
}

describe.each(databaseTargets())('e-mail and follow-ups on %s database', (database) => {
  let server: TestServer;
  let smtp: FakeSmtpPeer;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startTestServer({
      database,
      env: {
        ...FAST_OUTBOX,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Nova Dom <kontakt@example.pl>',
        STAFF_NOTIFY_EMAIL: STAFF,
        INTEGRATION_BREAKER_FAILURES: '1000',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to));

  it('sends the confirmation in the customer language and the staff notice, each once', async () => {
    smtp.failing = true;
    const res = await postLead(
      server.url,
      formLead(500, { email: 'tom500@example.com', locale: 'en', name: 'Tom' }),
    );
    expect(res.status).toBe(201);
    // Temporary SMTP failures are retried; nothing arrives meanwhile.
    await waitFor('the worker to attempt delivery', async () => {
      const rows = await server.runtime.db.query(
        `SELECT 1 FROM pgboss.job WHERE name = 'lead-customer-email' AND retry_count > 0`,
      );
      return rows.length > 0;
    });
    smtp.failing = false;
    await waitFor(
      'both e-mails',
      () => mailsTo('tom500@example.com').length === 1 && mailsTo(STAFF).length >= 1,
      60_000,
    );
    const customer = decoded(mailsTo('tom500@example.com')[0]!.raw);
    expect(customer).toContain('thank you for your message');
    expect(customer).toContain('Hello Tom,');
    expect(customer).toMatch(/Message-ID: <[0-9a-f-]{36}@frontdesk>/i);
    // No booking API configured: the confirmation carries the booking link instead.
    expect(customer).toMatch(/https?:\/\/\S+/);
    const staff = decoded(mailsTo(STAFF).at(-1)!.raw);
    expect(staff).toContain('Nowy lead w Frontdesk');
    expect(staff).not.toContain('tom500@example.com');
    // Nothing more arrives for that lead.
    expect(mailsTo('tom500@example.com')).toHaveLength(1);
  });

  it('queues the effects of a chat lead in the turn that saves it', async () => {
    const say = async (message: string, session?: { id: string; secret: string }) => {
      const res = await fetch(`${server.url}/api/v1/chat`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(session ? { 'x-session-secret': session.secret } : {}),
        },
        body: JSON.stringify({ message, ...(session ? { sessionId: session.id } : {}) }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { sessionId: string; sessionSecret?: string };
    };
    const first = await say('Ile kosztuje 50 m2 comfort?');
    const session = { id: first.sessionId, secret: first.sessionSecret! };
    for (const m of ['Kraków', 'Michał', 'michal.chat@example.com', 'tak']) await say(m, session);
    const [lead] = await server.runtime.db.query<{ id: string }>(
      'SELECT id FROM leads WHERE session_id = $1',
      [session.id],
    );
    expect(lead).toBeDefined();
    await waitFor(
      'the chat lead confirmation',
      () => mailsTo('michal.chat@example.com').length === 1,
      60_000,
    );
    expect(decoded(mailsTo('michal.chat@example.com')[0]!.raw)).toContain('Dzień dobry Michał,');
  });

  it('sends each due follow-up step once, and stops at once after an unsubscribe', async () => {
    const db = server.runtime.db;
    const queue = createJobQueue({
      db,
      logger: server.runtime.logger,
      metrics: createMetrics(),
      settings: {
        workerEnabled: false,
        maxAttempts: 3,
        retryDelaySeconds: 1,
        visibilityTimeoutSeconds: 10,
        pollIntervalMs: 100,
        concurrency: 1,
        retentionDays: 1,
      },
    });
    const leads = createLeadService({
      db,
      queue,
      followupSteps: loadFollowupSteps(path.join(ROOT, 'knowledge')),
    });
    const keep = formLead(501, { email: 'keep501@example.pl' });
    const stop = formLead(502, { email: 'stop502@example.pl' });
    const noMarketing = formLead(503, { email: 'nomk503@example.pl', consent: { processing: true } });
    for (const body of [keep, stop, noMarketing]) expect((await postLead(server.url, body)).status).toBe(201);
    const idOf = async (email: string) =>
      (await db.query<{ id: string }>('SELECT id FROM leads WHERE email = $1', [email]))[0]!.id;
    const stopId = await idOf('stop502@example.pl');

    const in25h = new Date(Date.now() + 25 * 3600_000);
    expect(await leads.queueDueFollowups(in25h)).toBeGreaterThanOrEqual(2);
    expect(await leads.queueDueFollowups(in25h)).toBe(0);
    await waitFor(
      'the 24 h follow-ups',
      () => mailsTo('keep501@example.pl').length === 2 && mailsTo('stop502@example.pl').length === 2,
      60_000,
    );
    expect(
      mailsTo('keep501@example.pl').filter((m) => decoded(m.raw).includes('Chętnie doradzimy')),
    ).toHaveLength(1);
    await waitFor(
      'the confirmation without marketing consent',
      () => mailsTo('nomk503@example.pl').length > 0,
    );
    expect(mailsTo('nomk503@example.pl')).toHaveLength(1); // the confirmation only, no follow-up

    await leads.unsubscribe({ email: 'STOP502@example.pl' });
    const in73h = new Date(Date.now() + 73 * 3600_000);
    await leads.queueDueFollowups(in73h);
    await waitFor('the 72 h follow-up', () => mailsTo('keep501@example.pl').length === 3, 60_000);
    expect(mailsTo('stop502@example.pl')).toHaveLength(2);
    const steps = await db.query<{ effect: string }>(
      `SELECT effect FROM lead_effects WHERE lead_id = $1 AND effect LIKE 'followup:%'`,
      [stopId],
    );
    expect(steps.map((s) => s.effect)).toEqual(['followup:reminder_24h']);
    const sent = await (await fetch(`${server.url}/metrics`)).text();
    expect(sent).toMatch(/frontdesk_followups_sent_total\{step="reminder_72h"\} [1-9]/);
  });
});
