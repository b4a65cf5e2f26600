import { describe, expect, it } from 'vitest';
import { maskEmail, maskName, maskPersonalData, maskText } from './pii.js';

describe('personal data masking', () => {
  it('masks e-mail addresses', () => {
    expect(maskEmail('michal.nowak@example.pl')).toBe('m***@e***.pl');
    expect(maskText('pisz na łukasz@przykład.pl proszę')).toBe('pisz na ł***@p***.pl proszę');
  });

  it('masks Polish phone numbers in their usual formats', () => {
    for (const phone of [
      '+48 600 100 200',
      '600-100-200',
      '600100200',
      '0048 600 100 200',
      '(22) 123 45 67',
    ]) {
      const masked = maskText(`tel. ${phone}`);
      expect(masked).not.toMatch(/\d{3}/);
      expect(masked).toContain('***');
    }
  });

  it('leaves amounts, areas and dates alone', () => {
    expect(maskText('50 m2 za 59 940 zł')).toBe('50 m2 za 59 940 zł');
    expect(maskText('2026-11-22')).toBe('2026-11-22');
  });

  it('masks names and free text under personal keys, and redacts secrets', () => {
    const out = maskPersonalData({
      firstName: 'Michał',
      email: 'anna@example.com',
      note: 'call 600 100 200',
      message: 'Nazywam się Zoë',
      apiKey: 'sk-123',
      nested: { phone: '+48600100200', count: 3 },
    }) as Record<string, unknown>;
    expect(out.firstName).toBe('M***');
    expect(JSON.stringify(out)).not.toMatch(/Michał|anna@|600 100 200|Zoë|sk-123|48600100200/);
    expect((out.nested as Record<string, unknown>).count).toBe(3);
    expect(maskName('Łukasz')).toBe('Ł***');
  });
});
