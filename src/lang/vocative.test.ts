import { describe, expect, it } from 'vitest';
import { addressForm, polishVocative } from './vocative.js';

describe('polishVocative', () => {
  const male: Array<[string, string]> = [
    ['Michał', 'Michale'],
    ['Łukasz', 'Łukaszu'],
    ['Tomasz', 'Tomaszu'],
    ['Piotr', 'Piotrze'],
    ['Paweł', 'Pawle'],
    ['Jan', 'Janie'],
    ['Marek', 'Marku'],
    ['Jacek', 'Jacku'],
    ['Kacper', 'Kacprze'],
    ['Aleksander', 'Aleksandrze'],
    ['Krzysztof', 'Krzysztofie'],
    ['Robert', 'Robercie'],
    ['Ernest', 'Erneście'],
    ['Dawid', 'Dawidzie'],
    ['Adam', 'Adamie'],
    ['Jakub', 'Jakubie'],
    ['Kuba', 'Kubo'],
    ['Wojciech', 'Wojciechu'],
    ['Maciej', 'Macieju'],
    ['Dominik', 'Dominiku'],
    ['Karol', 'Karolu'],
    ['Stanisław', 'Stanisławie'],
    ['Grzegorz', 'Grzegorzu'],
    ['Rafał', 'Rafale'],
    ['Zbigniew', 'Zbigniewie'],
    ['Jerzy', 'Jerzy'],
    ['Antoni', 'Antoni'],
    ['Maciek', 'Maćku'],
    ['Krzysiek', 'Krzyśku'],
    ['Franciszek', 'Franciszku'],
    ['Staś', 'Stasiu'],
    ['Zygmunt', 'Zygmuncie'],
    ['Feliks', 'Feliksie'],
  ];
  const female: Array<[string, string]> = [
    ['Anna', 'Anno'],
    ['Kasia', 'Kasiu'],
    ['Maria', 'Mario'],
    ['Agnieszka', 'Agnieszko'],
    ['Ewa', 'Ewo'],
    ['Katarzyna', 'Katarzyno'],
    ['Małgorzata', 'Małgorzato'],
    ['Ania', 'Aniu'],
    ['Ola', 'Olu'],
    ['Ela', 'Elu'],
    ['Izabela', 'Izabelo'],
    ['Natalia', 'Natalio'],
    ['Zosia', 'Zosiu'],
    ['Jadzia', 'Jadziu'],
    ['Łucja', 'Łucjo'],
    ['Róża', 'Różo'],
    ['Ksenia', 'Ksenio'],
    ['Nel', 'Nel'],
    ['Zoë', 'Zoë'],
  ];
  it.each(male)('male %s → %s', (name, expected) => {
    expect(polishVocative(name, 'male')).toBe(expected);
  });
  it.each(female)('female %s → %s', (name, expected) => {
    expect(polishVocative(name, 'female')).toBe(expected);
  });
  it('normalises capitalisation and declines both parts of a double name', () => {
    expect(polishVocative('ŁUKASZ', 'male')).toBe('Łukaszu');
    expect(polishVocative('anna-maria', 'female')).toBe('Anno-Mario');
  });
});

describe('addressForm', () => {
  it('uses the honorific and the vocative in Polish', () => {
    expect(addressForm('Michał', 'male', 'pl')).toBe('Panie Michale');
    expect(addressForm('Anna', 'female', 'pl')).toBe('Pani Anno');
    expect(addressForm('Kasia', 'female', 'pl')).toBe('Pani Kasiu');
  });
  it('uses the plain first name in English', () => {
    expect(addressForm('Michał', 'male', 'en')).toBe('Michał');
    expect(addressForm('Zoë', 'female', 'en')).toBe('Zoë');
  });
  it('keeps foreign names in the nominative and refuses without a gender', () => {
    expect(addressForm('Emily', 'female', 'pl')).toBe('Pani Emily');
    expect(addressForm('Xavi', null, 'pl')).toBeNull();
  });
});
