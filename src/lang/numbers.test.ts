import { describe, expect, it } from 'vitest';
import { extractArea, extractBudget, formatArea, formatMoney, parseDecimal } from './numbers.js';

describe('extractArea', () => {
  const cases: Array<[string, number]> = [
    ['50m2', 50],
    ['mieszkanie ma 50 m²', 50],
    ['50 metrów', 50],
    ['50 metrow kwadratowych', 50],
    ['około 50 mkw', 50],
    ['62,5 m2', 62.5],
    ['62.5 m2', 62.5],
    ['50 sqm', 50],
    ['about 50 square meters', 50],
    ['mieszkanie 48 metrów', 48],
    ['ile kosztuje wykonczenie 50 metrow', 50],
    ['metraż: 73', 73],
    ['flat of 80 m2 in Gdańsk', 80],
  ];
  it.each(cases)('%s → %d', (text, area) => {
    expect(extractArea(text)).toBe(area);
  });
  it.each(['200 tys. zł', '3 pokoje', '600 100 200', '2,6 metra wysokości', '800 square feet', 'ok. 50'])(
    'finds no area in %s',
    (text) => {
      expect(extractArea(text)).toBeNull();
    },
  );
  it('takes a bare number only when the area was asked for', () => {
    expect(extractArea('50', { expectArea: true })).toBe(50);
    expect(extractArea('ok. 60', { expectArea: true })).toBe(60);
    expect(extractArea('50')).toBeNull();
  });
});

describe('extractBudget', () => {
  const cases: Array<[string, number]> = [
    ['mam 200 tys.', 200_000],
    ['200 tys zł', 200_000],
    ['do 200k', 200_000],
    ['200 000 zł', 200_000],
    ['200.000 PLN', 200_000],
    ['budżet 150 tysięcy', 150_000],
    ['budzet 150000', 150_000],
    ['1,5 mln zł', 1_500_000],
    ['PLN 80 000', 80_000],
  ];
  it.each(cases)('%s → %d', (text, budget) => {
    expect(extractBudget(text)).toBe(budget);
  });
  it.each(['50 m2', '999 zł/m2', '1499 zł za metr', '$50k', '20 000 EUR', '600 100 200', 'pakiet za 999 zł'])(
    'finds no budget in %s',
    (text) => {
      expect(extractBudget(text)).toBeNull();
    },
  );
});

describe('formatting', () => {
  it('formats money Polish- and English-style', () => {
    expect(formatMoney(59940, 'pl')).toBe('59 940 zł');
    expect(formatMoney(1499, 'pl')).toBe('1499 zł');
    expect(formatMoney(1_250_000, 'pl')).toBe('1 250 000 zł');
    expect(formatMoney(59940, 'en')).toBe('PLN 59,940');
    expect(formatMoney(62437.5, 'en')).toBe('PLN 62,438');
  });
  it('formats areas and parses decimals', () => {
    expect(formatArea(62.5, 'pl')).toBe('62,5 m²');
    expect(formatArea(62.5, 'en')).toBe('62.5 m²');
    expect(parseDecimal('200 000')).toBe(200000);
    expect(parseDecimal('62,5')).toBe(62.5);
  });
});
