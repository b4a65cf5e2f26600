/**
 * Logs are free of personal data: the full log output (LOG_LEVEL=trace) of a whole conversation with
 * lead capture and an attachment, a contact-form submission, a privacy request with its e-mail, an
 * unsubscribe and an erasure holds no raw e-mail address, phone number (in any format) or name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png, postUpload } from '../bad-input/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  FAST_OUTBOX,
  postLead,
  startSmtpPeer,
  waitFor,
  type FakeSmtpPeer,
} from '../integrations/fake-peers.js';
import { chat, decoded, linkIn, postForm } from './helpers.js';

const PERSON = { name: 'Bartłomiej', email: 'kontakt.bartek7@example.com', phone: '+48 601 234 567' };
const FORM = { name: 'Grażyna', email: 'grazyna.formularz@example.pl', phone: '(22) 612-34-56' };

/** A regular expression matching the digits of a phone number in any formatting. */
function phonePattern(phone: string): RegExp {
  const digits = phone.replace(/\D/g, '').slice(-9);
  return new RegExp(digits.split('').join('[\\s().+-]{0,3}'));
}

describe('logs hold no personal data', () => {
  let server: TestServer;
  let smtp: FakeSmtpPeer;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startTestServer({
      env: {
        ...FAST_OUTBOX,
        LOG_LEVEL: 'trace',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Nova Dom <kontakt@example.pl>',
        STAFF_NOTIFY_EMAIL: 'biuro@example.pl',
        INTEGRATION_BREAKER_FAILURES: '1000',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('masks e-mails, phone numbers and names in every line', async () => {
    const c = await chat(server.url, [
      'Dzień dobry, ile kosztuje wykończenie mieszkania?',
      '64',
      'Premium',
      'w Krakowie',
      PERSON.name,
      'tak',
      `${PERSON.email}, tel. ${PERSON.phone}`,
      'tak',
      'Chcę rozmawiać z konsultantem',
    ]);
    expect(
      (
        await postUpload(server.url, { sessionId: c.sessionId, secret: c.secret }, [
          { field: 'file', filename: `${PERSON.name}-plan.png`, contentType: 'image/png', data: png() },
        ])
      ).status,
    ).toBe(201);
    const form = await postLead(server.url, {
      ...FORM,
      message: `Proszę dzwonić na ${FORM.phone} albo pisać na ${FORM.email}. ${FORM.name}`,
      city: 'Warszawa',
      locale: 'pl',
      consent: { processing: true, marketing: true },
    });
    expect(form.status).toBe(201);
    // The customer e-mails are delivered (their deliveries are logged too).
    await waitFor('the customer e-mails', () =>
      [PERSON.email, FORM.email].every((to) => smtp.mails.some((m) => m.to.includes(to))),
    );
    const unsubscribeLink = linkIn(
      decoded(smtp.mails.find((m) => m.to.includes(FORM.email))!.raw),
      '/privacy/unsubscribe?token=',
    );
    const token = new URL(unsubscribeLink).searchParams.get('token')!;
    expect((await postForm(`${server.url}/privacy/unsubscribe`, { token })).status).toBe(200);
    // A privacy request, confirmed: the erasure of the chat customer.
    const request = await fetch(`${server.url}/api/v1/privacy/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'erase', email: PERSON.email }),
    });
    expect(request.status).toBe(202);
    let verifyMail = '';
    await waitFor('the verification e-mail', () => {
      verifyMail =
        smtp.mails
          .filter((m) => m.to.includes(PERSON.email))
          .map((m) => decoded(m.raw))
          .find((m) => m.includes('/privacy/verify?token=')) ?? '';
      return verifyMail !== '';
    });
    const verifyToken = new URL(linkIn(verifyMail, '/privacy/verify?token=')).searchParams.get('token')!;
    expect((await postForm(`${server.url}/privacy/verify`, { token: verifyToken })).status).toBe(200);

    const logs = server.rawLogs();
    expect(logs.length).toBeGreaterThan(1000);
    expect(server.runtime.logger.level).toBe('trace');
    for (const p of [PERSON, FORM]) {
      expect(logs.toLowerCase()).not.toContain(p.email.toLowerCase());
      expect(logs.toLowerCase()).not.toContain(p.email.split('@')[0]!.toLowerCase());
      expect(logs).not.toMatch(phonePattern(p.phone));
      expect(logs).not.toContain(p.name);
    }
    // The vocative and other forms of the name too.
    expect(logs).not.toMatch(/Bartłomiej|Bartłomieju|Grażyn/);
  });
});
