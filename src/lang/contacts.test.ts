import { describe, expect, it } from 'vitest';
import { extractEmail, extractPhone, isEmail, normalizePolishPhone } from './contacts.js';

describe('extractPhone', () => {
  const cases: Array<[string, string]> = [
    ['+48 600 100 200', '+48600100200'],
    ['mój numer: 600-100-200', '+48600100200'],
    ['600100200', '+48600100200'],
    ['(22) 123 45 67', '+48221234567'],
    ['0048600100200', '+48600100200'],
    ['+48600100200.', '+48600100200'],
    ['zadzwońcie 22 123 45 67 po 16', '+48221234567'],
    ['call me on +44 20 7946 0958', '+442079460958'],
  ];
  it.each(cases)('%s → %s', (text, phone) => {
    expect(extractPhone(text)).toBe(phone);
  });
  it.each(['50 m2', '200 000 zł', '100 200 300 zł', '1499 zł za m2', 'budżet 150000', '012345678'])(
    'finds no phone in %s',
    (text) => {
      expect(extractPhone(text)).toBeNull();
    },
  );
  it('normalises national numbers', () => {
    expect(normalizePolishPhone('600 100 200')).toBe('+48600100200');
    expect(normalizePolishPhone('12345')).toBeNull();
  });
});

describe('extractEmail', () => {
  it('finds addresses and lowercases the domain', () => {
    expect(extractEmail('pisz na Anna.Kowalska@Example.PL.')).toBe('Anna.Kowalska@example.pl');
    expect(extractEmail('jan+remont@poczta.onet.pl, dzięki')).toBe('jan+remont@poczta.onet.pl');
    expect(extractEmail('brak adresu @ tutaj')).toBeNull();
    expect(extractEmail('a..b@example.com')).toBeNull();
    expect(isEmail('michal@example.com')).toBe(true);
  });
});
