import { describe, expect, it } from 'vitest';
import { normalizeForSearch, processSearchTerm, stemPolish, tokenizeForSearch } from './search-normalize.js';

describe('normalizeForSearch', () => {
  it('gives the same terms for text typed without Polish letters', () => {
    expect(normalizeForSearch('ile kosztuje wykonczenie 50 metrow')).toEqual(
      normalizeForSearch('Ile kosztuje wykończenie 50 metrów?'),
    );
    expect(normalizeForSearch('wykonczenie')).toEqual(normalizeForSearch('wykończenie'));
    expect(normalizeForSearch('metrow')).toEqual(normalizeForSearch('metrów'));
    expect(normalizeForSearch('Łódź, Gdańsk')).toEqual(normalizeForSearch('lodz gdansk'));
  });

  it('collapses every way of writing square metres to "m2"', () => {
    for (const text of [
      'm2',
      'm²',
      'm^2',
      'mkw',
      'm kw.',
      'metrów',
      'metry',
      'metry kwadratowe',
      'sqm',
      'square meters',
      'square metres',
    ]) {
      expect(normalizeForSearch(text), text).toEqual(['m2']);
    }
    expect(normalizeForSearch('50m²')).toEqual(['50', 'm2']);
    expect(normalizeForSearch('50 m')).toEqual(['50', 'm2']);
  });

  it('maps synonyms in both languages to one canonical term', () => {
    const same = (words: string[], canonical: string) => {
      for (const word of words) expect(normalizeForSearch(word), word).toEqual([canonical]);
    };
    same(['cena', 'ceny', 'koszt', 'kosztuje', 'ile', 'price', 'cost', 'how much'], 'cena');
    same(['gwarancja', 'gwarancji', 'rękojmia', 'warranty', 'guarantee'], 'gwarancja');
    same(['raty', 'ratach', 'kredyt', 'finansowanie', 'instalments', 'financing'], 'raty');
    same(['łazienka', 'bathroom'], 'lazienka');
    same(['kuchnia', 'kitchen'], 'kuchnia');
    same(['termin', 'czas', 'jak długo', 'how long', 'timeline', 'ile trwa'], 'czas');
  });

  it('reduces inflected forms of a word to one stem', () => {
    const forms = ['łazienki', 'łazienkę', 'łazience', 'łazienek', 'łazienkami', 'lazience'];
    const terms = new Set(forms.flatMap((f) => normalizeForSearch(f)));
    expect(terms.size).toBe(1);
    const one = (words: string[]) => new Set(words.flatMap((w) => normalizeForSearch(w))).size;
    expect(one(['podłoga', 'podłogi', 'podłodze', 'podłóg', 'podlogach'])).toBe(1);
    expect(one(['ściana', 'ściany', 'ścianie', 'ścianę', 'ścianami', 'scian'])).toBe(1);
    expect(one(['kuchnia', 'kuchni', 'kuchnię', 'kuchniach'])).toBe(1);
    expect(one(['płytka', 'płytki', 'płytce', 'płytek', 'plytkami'])).toBe(1);
    // stemPolish works on match form (lower case, no diacritics), as normalizeForSearch hands it over.
    expect(stemPolish('remoncie')).toBe(stemPolish('remont'));
    expect(stemPolish('umowy')).toBe(stemPolish('umowa'));
    expect(stemPolish('materialow')).toBe(stemPolish('material'));
  });

  it('keeps short words and numbers whole', () => {
    expect(stemPolish('dom')).toBe('dom');
    expect(stemPolish('okno')).toBe('okn');
    expect(normalizeForSearch('1 199 zł')).toEqual(['1199', 'cena']);
    expect(normalizeForSearch('pakiet 2025')).toEqual(['pakiet', '2025']);
  });

  it('does not confuse the nominative with another word after stemming', () => {
    // "praca" / "pracę" keep their c; only a consonant before -ce turns back into k.
    expect(stemPolish('pracę'.replace('ę', 'e'))).toBe(stemPolish('praca'));
  });

  it('drops stop words and single letters', () => {
    expect(normalizeForSearch('czy mogę płacić w ratach')).toEqual(['platnosc', 'raty']);
    expect(normalizeForSearch('Can I pay in instalments?', 'en')).toEqual(['platnosc', 'raty']);
    expect(normalizeForSearch('a i w z')).toEqual([]);
  });

  it('stems English plurals in the English locale', () => {
    expect(normalizeForSearch('doors', 'en')).toEqual(normalizeForSearch('door', 'en'));
    expect(normalizeForSearch('companies', 'en')).toEqual(normalizeForSearch('company', 'en'));
    expect(normalizeForSearch('tiles', 'en')).toEqual(['plytki']);
  });

  it('reads "express+" as "express plus"', () => {
    expect(normalizeForSearch('Express+')).toEqual(normalizeForSearch('express plus'));
    expect(normalizeForSearch('ekspres plus')).toEqual(['express', 'plus']);
  });

  it('exposes the tokenizer and term processor separately', () => {
    expect(tokenizeForSearch('Jak długo trwa?')).toEqual(['czas', 'trwa']);
    expect(processSearchTerm('trwa')).toBe('czas');
    expect(processSearchTerm('czy')).toBeNull();
  });
});
