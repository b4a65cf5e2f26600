import { describe, expect, it } from 'vitest';
import { formatHours, formatPackageTotal, formatPricePerM2, renderText } from './render.js';
import type { BusinessProfile, Package } from './types.js';

const business: BusinessProfile = {
  name: 'Test Dom',
  phone: '+48 22 000 00 00',
  email: 'biuro@test.example',
  bookingUrl: 'https://test.example/book',
  hours: { '1': '08:00-16:00', '2': '08:00-16:00', '3': '08:00-16:00', '5': '10:00-14:00', '7': '10:00-14:00' },
  timezone: 'Europe/Warsaw',
  serviceArea: ['Kraków', 'Wieliczka'],
  currency: 'PLN',
};

const range: Package = {
  id: 'custom',
  name: 'Custom',
  aliases: [],
  pricePerM2: { min: 1700, max: 5000, currency: 'PLN' },
  summary: { pl: 'x', en: 'x' },
  includes: { pl: ['x'], en: ['x'] },
  durationWeeks: { min: 10, max: 20 },
};

describe('knowledge placeholders', () => {
  it('groups opening hours into runs of days, per language', () => {
    expect(formatHours(business.hours, 'pl')).toBe('pon.–śr. 8:00–16:00, pt. 10:00–14:00, niedz. 10:00–14:00');
    expect(formatHours(business.hours, 'en')).toBe('Mon–Wed 8:00–16:00, Fri 10:00–14:00, Sun 10:00–14:00');
    expect(formatHours({}, 'pl')).toBe('nieczynne');
  });

  it('formats prices per m² and totals, as a range when the price is a range', () => {
    expect(formatPricePerM2(range, 'pl')).toBe('1700–5000 zł/m²');
    expect(formatPricePerM2(range, 'en')).toBe('1,700–5,000 zł/m²');
    expect(formatPackageTotal(range, 40, 'en')).toBe('68,000–200,000 zł');
  });

  it('fills known placeholders and reports unknown ones', () => {
    const packages = new Map([[range.id, range]]);
    const { text, unknown } = renderText(
      'Zadzwoń: {{ business.phone }}; działamy w: {{business.serviceArea}}; {{package.custom.weeks}} tyg.; ' +
        '{{package.custom.total:10}}; {{package.other.price}}; {{business.fax}}',
      'pl',
      business,
      packages,
    );
    expect(text).toBe(
      'Zadzwoń: +48 22 000 00 00; działamy w: Kraków, Wieliczka; 10–20 tyg.; 17\u00a0000–50\u00a0000 zł; ' +
        '{{package.other.price}}; {{business.fax}}',
    );
    expect(unknown).toEqual(['{{package.other.price}}', '{{business.fax}}']);
  });
});
