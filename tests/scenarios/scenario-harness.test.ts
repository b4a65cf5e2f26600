/**
 * The scenario harness itself: a malformed scenario file is rejected with its file and path, and every
 * expectation key fails when the turn does not meet it (so a passing scenario means something).
 */
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/database.js';
import {
  checkTurn,
  languageScores,
  loadQuestionWording,
  looseForm,
  type ObservedTurn,
} from './scenario-checks.js';
import { parseScenarioFile, ScenarioFormatError, type Expectation } from './scenario-format.js';

describe('scenario file format', () => {
  const valid = `
scenarios:
  - name: Price question
    turns:
      - say: Ile kosztuje Express?
        expect: { asks: areaM2, mentions: ['999 zł'] }
`;

  it('reads a valid file', () => {
    const [scenario] = parseScenarioFile('prices.yaml', valid);
    expect(scenario).toMatchObject({ name: 'Price question', file: 'prices.yaml' });
    expect(scenario?.turns[0]?.expect).toEqual({ asks: 'areaM2', mentions: ['999 zł'] });
  });

  it.each([
    ['a misspelt expectation key', valid.replace('mentions:', 'mention:'), 'turns[0].expect'],
    ['an unknown question', valid.replace('asks: areaM2', 'asks: area'), 'turns[0].expect.asks'],
    ['a number where a phrase is expected', valid.replace("['999 zł']", '[999]'), 'expect.mentions[0]'],
    ['a scenario without turns', valid.replace(/ {4}turns:[\s\S]*/, '    turns: []\n'), 'scenarios[0].turns'],
    ['amount together with min', valid.replace('asks: areaM2', 'quote: { amount: 1, min: 1 }'), 'quote'],
  ])('rejects %s, naming the file and the path', (_label, source, where) => {
    expect(() => parseScenarioFile('prices.yaml', source)).toThrow(ScenarioFormatError);
    expect(() => parseScenarioFile('prices.yaml', source)).toThrow(/prices\.yaml: scenarios\[0\]/);
    expect(() => parseScenarioFile('prices.yaml', source)).toThrow(where);
  });

  it('rejects YAML that does not parse, naming the file', () => {
    expect(() => parseScenarioFile('broken.yaml', 'scenarios: [\n')).toThrow(/broken\.yaml: not valid YAML/);
  });
});

describe('turn checks', () => {
  const wording = loadQuestionWording(`${ROOT}/knowledge`);
  const base: ObservedTurn = {
    locale: 'pl',
    text: 'Miło mi, Panie Michale! W jakim mieście jest mieszkanie? Dla 50 m² koszt to 74\u00a0950 zł.',
    suggestions: [],
    quote: { packageId: 'comfort', areaM2: 50, min: 74950, max: 74950, currency: 'PLN' },
    handoff: null,
    pending: 'city',
    details: { firstName: 'Michał', city: null, areaM2: 50, packageId: 'comfort', email: null, phone: null },
    lead: null,
  };

  it('passes a turn that meets every expectation', () => {
    const failures = checkTurn(
      {
        mentions: ['panie michale', '74 950 zl'],
        doesNotMention: ['Premium'],
        vocative: 'Panie Michale',
        asks: 'city',
        doesNotAskAgain: ['areaM2', 'firstName'],
        quote: { package: 'comfort', areaM2: 50, amount: 74950 },
        handoff: 'none',
        language: 'pl',
        recorded: { firstName: 'Michał', city: null, package: 'comfort' },
        leadStored: false,
      },
      base,
      wording,
    );
    expect(failures).toEqual([]);
  });

  it.each([
    ['mentions', { mentions: ['Premium'] }],
    ['doesNotMention', { doesNotMention: ['michale'] }],
    ['vocative (exact case)', { vocative: 'panie michale' }],
    ['vocative without diacritics', { vocative: 'Panie Lukaszu' }],
    ['asks another question', { asks: 'firstName' as const }],
    ['asks nothing', { asks: 'nothing' as const }],
    ['doesNotAskAgain', { doesNotAskAgain: ['city' as const] }],
    ['quote amount', { quote: { amount: 74951 } }],
    ['quote package', { quote: { package: 'premium' } }],
    ['quote none', { quote: 'none' as const }],
    ['handoff', { handoff: 'customer_request' as const }],
    ['language', { language: 'en' as const }],
    ['recorded', { recorded: { city: 'Kraków' } }],
    ['leadStored', { leadStored: true }],
    ['lead', { lead: { email: 'michal@example.com' } }],
  ])('fails on an unmet %s expectation', (_label, expectation) => {
    expect(checkTurn(expectation as Expectation, base, wording)).not.toEqual([]);
  });

  it('fails asks when the state says so but the question is not in the reply', () => {
    const failures = checkTurn({ asks: 'city' }, { ...base, text: 'Dobrze.' }, wording);
    expect(failures[0]).toMatch(/wording is not there/);
  });

  it('checks the stored lead field by field', () => {
    const lead = {
      firstName: 'Zoë',
      email: 'zoe@example.com',
      phone: null,
      city: 'Sopot',
      areaM2: 45,
      packageId: 'comfort',
      processingConsent: true,
      marketingConsent: false,
    };
    const turn = { ...base, lead };
    expect(checkTurn({ lead: { firstName: 'Zoë', marketingConsent: false } }, turn, wording)).toEqual([]);
    expect(checkTurn({ lead: { firstName: 'Zoe' } }, turn, wording)).toHaveLength(1);
    expect(checkTurn({ leadStored: false }, turn, wording)).toHaveLength(1);
  });

  it('folds case, diacritics and no-break spaces for phrase matching', () => {
    expect(looseForm('ŁUKASZ  Zoë\u202f74\u00a0950 zł')).toBe('lukasz zoe 74 950 zl');
  });

  it('tells Polish from English replies by their common words', () => {
    expect(
      languageScores('Dziękuję za zgodę. Proszę podać adres e-mail lub numer telefonu.').pl,
    ).toBeGreaterThan(0);
    const en = languageScores('Thank you for your consent. Please give me your e-mail address.');
    expect(en.en).toBeGreaterThan(en.pl);
  });
});
