/** Pure parts of the adapters and the lead rules: signatures, headers, column values, scoring, pipeline, config. */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { listUnsubscribeHeaders, renderTemplate } from '../../src/modules/integrations/mail.js';
import { mondayColumnValues } from '../../src/modules/integrations/monday.js';
import { signWebhook } from '../../src/modules/integrations/webhook.js';
import { scoreLead } from '../../src/modules/leads/scoring.js';
import { STATUS_TRANSITIONS, fingerprint, type LeadRow } from '../../src/modules/leads/service.js';

describe('adapters and lead rules', () => {
  it('signs webhook bodies as documented for receivers', () => {
    const body = '{"id":"e1"}';
    const expected = crypto
      .createHmac('sha256', 'secret-for-tests-123')
      .update(`1700000000.${body}`)
      .digest('hex');
    expect(signWebhook('secret-for-tests-123', '1700000000', body)).toBe(`sha256=${expected}`);
  });

  it('builds List-Unsubscribe headers from the supplied links', () => {
    expect(listUnsubscribeHeaders(undefined)).toEqual({});
    expect(listUnsubscribeHeaders({ url: 'https://x.example/u/1', mailto: 'unsub@x.example' })).toEqual({
      'List-Unsubscribe': '<https://x.example/u/1>, <mailto:unsub@x.example>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(renderTemplate('Hi {name}, {missing}!', { name: 'Ola' })).toBe('Hi Ola, !');
  });

  it('formats monday.com column values by column type', () => {
    const lead = {
      id: 'l1',
      email: 'a@b.pl',
      phone: '+48 600-100-200',
      status: 'new',
      score: 70,
      city: null,
    } as unknown as LeadRow;
    expect(
      mondayColumnValues(lead, {
        leadId: 'text_id',
        email: 'email',
        phone: 'phone',
        status: 'status',
        score: 'numbers',
        city: 'text_city',
      }),
    ).toEqual({
      text_id: 'l1',
      email: { email: 'a@b.pl', text: 'a@b.pl' },
      phone: { phone: '+48600100200', countryShortName: 'PL' },
      status: { label: 'new' },
      numbers: '70',
    });
  });

  it('scores by the documented weights, capped at 100', () => {
    const base = {
      email: null,
      phone: null,
      areaM2: null,
      packageId: null,
      city: null,
      inServiceArea: false,
      budgetPln: null,
      quoteMaxPln: null,
      bookingRequested: false,
    };
    expect(scoreLead(base)).toBe(0);
    expect(
      scoreLead({
        ...base,
        email: 'a@b.pl',
        phone: '1',
        areaM2: 60,
        packageId: 'comfort',
        city: 'Warszawa',
        inServiceArea: true,
      }),
    ).toBe(60);
    expect(scoreLead({ ...base, city: 'Paryż' })).toBe(2);
    expect(
      scoreLead({
        ...base,
        email: 'a',
        phone: '1',
        areaM2: 1,
        packageId: 'p',
        city: 'c',
        inServiceArea: true,
        budgetPln: 250_000,
        bookingRequested: true,
        hasMessage: true,
      }),
    ).toBe(100);
  });

  it('has final statuses and never moves backwards', () => {
    expect(STATUS_TRANSITIONS.won).toEqual([]);
    expect(STATUS_TRANSITIONS.lost).toEqual([]);
    expect(STATUS_TRANSITIONS.qualified).not.toContain('new');
    expect(fingerprint({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(fingerprint({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });

  it('refuses provider settings that only make sense together, without echoing secrets', () => {
    let problems: string[] = [];
    try {
      loadConfig(
        {
          WEBHOOK_URL: 'https://hooks.example/x',
          MONDAY_API_TOKEN: 'tok-secret-value',
          SMTP_URL: 'smtp://u:pw@h:25',
          OUTBOX_VISIBILITY_TIMEOUT_SECONDS: '5',
        },
        '/x',
      );
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'MONDAY_BOARD_ID',
      'WEBHOOK_SECRET',
      'MAIL_FROM',
      'OUTBOX_VISIBILITY_TIMEOUT_SECONDS',
    ]);
    expect(problems.join('\n')).not.toContain('tok-secret-value');
    const config = loadConfig({}, '/x');
    expect(config.integrations.monday).toBeUndefined();
    expect(config.jobs.workerEnabled).toBe(true);
  });
});
