import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language.js';

describe('detectLanguage', () => {
  it.each([
    ['Dzień dobry, ile kosztuje wykończenie mieszkania?', 'pl'],
    ['ile kosztuje wykonczenie 50 metrow', 'pl'],
    ['Hello, how much does the Premium package cost?', 'en'],
    ['Michał here, what is the price?', 'en'],
    ['tak, zgadzam się', 'pl'],
    ['thanks!', 'en'],
  ] as const)('%s → %s', (text, locale) => {
    const guess = detectLanguage(text, locale === 'pl' ? 'en' : 'pl');
    expect(guess).toMatchObject({ locale, confident: true });
  });

  it.each(['ok', '50', 'anna@example.com', 'Michał', '+48 600 100 200', 'Premium'])(
    'keeps the previous language for %s',
    (text) => {
      expect(detectLanguage(text, 'en')).toMatchObject({ locale: 'en', confident: false });
      expect(detectLanguage(text, 'pl')).toMatchObject({ locale: 'pl', confident: false });
    },
  );
});
