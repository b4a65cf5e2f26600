import { describe, expect, it } from 'vitest';
import { CITIES, extractCity, normalizeCity } from './cities.js';

describe('extractCity', () => {
  const cases: Array<[string, string]> = [
    ['mieszkanie w Gdańsku', 'Gdańsk'],
    ['jestem z Krakowa', 'Kraków'],
    ['we Wrocławiu', 'Wrocław'],
    ['mieszkam w Warszawie', 'Warszawa'],
    ['przeprowadzam się do Poznania', 'Poznań'],
    ['w Łodzi', 'Łódź'],
    ['w Gdyni', 'Gdynia'],
    ['w Sopocie', 'Sopot'],
    ['w Katowicach', 'Katowice'],
    ['w gdansku', 'Gdańsk'],
    ['w lodzi na Bałutach', 'Łódź'],
    ['z Bielska-Białej', 'Bielsko-Biała'],
    ['w Zielonej Górze', 'Zielona Góra'],
    ['koło Warszawy', 'Warszawa'],
    ['w Białymstoku', 'Białystok'],
    ['mieszkanie w Nowym Sączu', 'Nowy Sącz'],
    ['w Pile', 'Piła'],
    ['a flat in Warsaw', 'Warszawa'],
  ];
  it.each(cases)('%s → %s', (text, city) => {
    expect(extractCity(text)?.city).toBe(city);
  });

  it.each([
    'Hello, I need a quote',
    'ulica Radomska 5',
    'ta piła jest tępa',
    'przemyśl to jeszcze raz',
    'koło 50 metrów',
    'an elk in the garden',
  ])('finds no city in %s', (text) => {
    expect(extractCity(text)).toBeNull();
  });

  it('accepts an ambiguous bare form when a city was asked for', () => {
    expect(extractCity('Piła', { expectCity: true })?.city).toBe('Piła');
    expect(normalizeCity('Krakowie')).toBe('Kraków');
  });

  it('covers the biggest Polish cities', () => {
    expect(CITIES.length).toBeGreaterThanOrEqual(60);
  });
});
