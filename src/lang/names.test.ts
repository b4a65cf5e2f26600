import { describe, expect, it } from 'vitest';
import { extractFirstName, FIRST_NAME_COUNT, lookupFirstName } from './names.js';

describe('first-name dictionary', () => {
  it('holds a few hundred names with gender', () => {
    expect(FIRST_NAME_COUNT).toBeGreaterThan(350);
    expect(lookupFirstName('Michał')).toMatchObject({ name: 'Michał', gender: 'male', origin: 'pl' });
    expect(lookupFirstName('anna')).toMatchObject({ name: 'Anna', gender: 'female' });
    expect(lookupFirstName('John')).toMatchObject({ gender: 'male', origin: 'en' });
  });
  it('restores diacritics typed without them, but keeps an exact spelling', () => {
    expect(lookupFirstName('michal')?.name).toBe('Michał');
    expect(lookupFirstName('lukasz')?.name).toBe('Łukasz');
    expect(lookupFirstName('Zoe')?.name).toBe('Zoe');
    expect(lookupFirstName('Zoë')?.name).toBe('Zoë');
  });
});

describe('extractFirstName', () => {
  const cases: Array<[string, string, 'male' | 'female' | null]> = [
    ['mam na imię Michał', 'Michał', 'male'],
    ['Dzień dobry, jestem Anna', 'Anna', 'female'],
    ['nazywam się Łukasz Nowak', 'Łukasz', 'male'],
    ["I'm John", 'John', 'male'],
    ['my name is Zoë', 'Zoë', 'female'],
    ['Michał here, quick question', 'Michał', 'male'],
    ['z tej strony Agnieszka', 'Agnieszka', 'female'],
    ['hi, this is Emily', 'Emily', 'female'],
    ['mam na imie michal', 'Michał', 'male'],
    ['Pozdrawiam, Małgorzata', 'Małgorzata', 'female'],
    ['nazywam się Oksana', 'Oksana', 'female'],
  ];
  it.each(cases)('%s → %s', (text, name, gender) => {
    expect(extractFirstName(text)).toMatchObject({ firstName: name, gender });
  });

  it.each([
    'jestem zainteresowany pakietem Comfort',
    'jestem z Krakowa',
    "I'm interested in the Premium package",
    'I am looking for a quote',
    'ile kosztuje 50 m2?',
    'tu jest moje mieszkanie',
    'this is expensive',
    'Anna',
  ])('finds no name in %s', (text) => {
    expect(extractFirstName(text)).toBeNull();
  });

  it('takes a bare name when the customer was asked for it', () => {
    expect(extractFirstName('Michał', { expectName: true })?.firstName).toBe('Michał');
    expect(extractFirstName('Anna Kowalska', { expectName: true })?.firstName).toBe('Anna');
    expect(extractFirstName('tak', { expectName: true })).toBeNull();
    expect(extractFirstName('ile to kosztuje?', { expectName: true })).toBeNull();
  });
});
