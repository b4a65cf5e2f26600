import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDialogue, type Dialogue } from './dialogue.js';
import { reply } from './engine.js';
import { parseConversationState } from './state.js';
import { createFakeKnowledge } from './testing/fake-knowledge.js';
import type { ConversationState, EngineOutput } from './types.js';
import type { Locale } from '../../knowledge/types.js';

const DIR = fileURLToPath(new URL('../../../../knowledge/dialogue', import.meta.url));
let dialogue: Dialogue;
beforeAll(async () => {
  dialogue = await loadDialogue(DIR);
});

/** Plays a conversation and returns every turn's output. */
function talk(messages: string[], localeHint?: Locale): EngineOutput[] {
  const kb = createFakeKnowledge();
  const outputs: EngineOutput[] = [];
  let state: ConversationState | null = null;
  for (const message of messages) {
    const output = reply({ message, state, ...(localeHint ? { localeHint } : {}) }, kb, dialogue);
    // The chat service stores the state as JSON between turns.
    state = parseConversationState(JSON.parse(JSON.stringify(output.state)));
    expect(state).not.toBeNull();
    outputs.push(output);
  }
  return outputs;
}

const actionTypes = (outputs: EngineOutput[]) => outputs.flatMap((o) => o.actions.map((a) => a.type));

describe('offline engine — Polish qualification journey', () => {
  const messages = [
    'Dzień dobry, ile kosztuje pakiet Comfort?',
    '50',
    'w Gdańsku',
    'mam na imię Michał',
    'tak, zgadzam się',
    'michal.nowak@example.com',
  ];

  it('answers the price, asks for the area, then quotes', () => {
    const [first, second] = talk(messages.slice(0, 2));
    expect(first?.text).toContain('Dzień dobry!');
    expect(first?.text).toContain('1499 zł');
    expect(first?.text).toContain('Ile metrów kwadratowych');
    expect(first?.state.pending).toBe('areaM2');
    expect(second?.quote).toEqual({
      packageId: 'comfort',
      areaM2: 50,
      min: 74950,
      max: 74950,
      currency: 'PLN',
    });
    expect(second?.text).toContain('74 950 zł');
  });

  it('addresses the customer with the vocative, asks for consent, then saves the lead once', () => {
    const outputs = talk(messages);
    const [, , city, name, consent, email] = outputs;
    expect(city?.text).toContain('Gdańsk');
    expect(city?.state.details.city).toBe('Gdańsk');
    expect(name?.text).toContain('Panie Michale');
    expect(name?.state.pending).toBe('consent');
    expect(name?.suggestions).toEqual(['Tak, zgadzam się', 'Nie']);
    expect(consent?.state.consent.processing).toBe(true);
    expect(consent?.actions).toEqual([]);
    expect(consent?.text).toMatch(/e-mail lub numer telefonu/);
    expect(email?.actions).toEqual([{ type: 'save_lead' }]);
    expect(email?.state).toMatchObject({
      leadSaved: true,
      details: {
        firstName: 'Michał',
        gender: 'male',
        email: 'michal.nowak@example.com',
        city: 'Gdańsk',
        areaM2: 50,
        packageId: 'comfort',
      },
    });
    expect(actionTypes(outputs).filter((t) => t === 'save_lead')).toHaveLength(1);
    expect(outputs.every((o) => o.locale === 'pl')).toBe(true);
  });

  it('uses the vocative of a female name', () => {
    const outputs = talk(['ile kosztuje 40 m2 w pakiecie Express?', 'Warszawa', 'Anna']);
    expect(outputs[2]?.text).toContain('Pani Anno');
  });
});

describe('offline engine — English qualification journey', () => {
  it('runs the same journey in English with the first name', () => {
    const outputs = talk([
      'Hi, how much is the Premium package?',
      '60 sqm',
      'Gdynia',
      "I'm Zoë",
      'yes',
      'my number is +48 600 100 200',
    ]);
    expect(outputs.every((o) => o.locale === 'en')).toBe(true);
    expect(outputs[0]?.text).toContain('PLN 1,999');
    expect(outputs[1]?.quote).toMatchObject({ packageId: 'premium', min: 119940 });
    expect(outputs[1]?.text).toContain('PLN 119,940');
    expect(outputs[3]?.text).toContain('Zoë');
    expect(outputs[3]?.state.details.firstName).toBe('Zoë');
    expect(outputs[3]?.state.pending).toBe('consent');
    expect(outputs[5]?.actions).toEqual([{ type: 'save_lead' }]);
    expect(outputs[5]?.state.details.phone).toBe('+48600100200');
  });
});

describe('offline engine — policy', () => {
  it('quotes every package when the area is known but no package is chosen', () => {
    const [out] = talk(['ile kosztuje wykonczenie 50 metrow']);
    expect(out?.intent).toBe('quote');
    expect(out?.entities.areaM2).toBe(50);
    expect(out?.text).toContain('Express: 49 950 zł');
    expect(out?.text).toContain('Express Plus: 59 950 zł');
    expect(out?.text).toContain('Individual: od 85 000 zł do 250 000 zł');
    expect(out?.quote).toBeUndefined();
    expect(out?.state.pending).toBe('packageId');
    expect(out?.suggestions).toContain('Express Plus');
  });

  it('takes several details from one message and never asks for them again', () => {
    const outputs = talk([
      'Dzień dobry, jestem Anna, mam mieszkanie 62,5 m2 w Gdyni i interesuje mnie pakiet Premium',
      'ile to potrwa?',
      'a gwarancja?',
      'tak',
    ]);
    const first = outputs[0];
    expect(first?.state.details).toMatchObject({
      firstName: 'Anna',
      areaM2: 62.5,
      city: 'Gdynia',
      packageId: 'premium',
    });
    expect(first?.quote?.min).toBe(124938);
    expect(first?.text).toContain('124 938 zł');
    // Everything but consent is known: the next question is consent.
    expect(first?.state.pending).toBe('consent');
    const allText = outputs.map((o) => o.text).join('\n');
    expect(allText).not.toMatch(/Ile metrów kwadratowych|W jakim mieście|Który pakiet|Jak mogę się do Pana/);
  });

  it('never asks the same qualification question twice', () => {
    const outputs = talk([
      'ile kosztuje wykończenie?',
      'jak wygląda współpraca?',
      'czy dajecie gwarancję?',
      'a raty?',
    ]);
    const asked = outputs.map((o) => o.state.pending).filter((p) => p !== null);
    expect(new Set(asked).size).toBe(asked.length);
  });

  it('keeps no contact details and saves no lead when consent is refused', () => {
    const outputs = talk(['50 m2 Comfort', 'Sopot', 'Jan', 'nie', 'jan@example.com', 'nie']);
    expect(outputs[3]?.state.consent.processing).toBe(false);
    expect(outputs[3]?.text).toContain('nie zapiszę danych');
    // Contact details offered after a refusal: consent is asked again, still no lead.
    expect(outputs[4]?.state.pending).toBe('consent');
    expect(outputs[5]?.state.details.email).toBeNull();
    expect(actionTypes(outputs)).not.toContain('save_lead');
  });

  it('asks for consent before keeping contact details given up front', () => {
    const outputs = talk(['Proszę o kontakt: anna@example.com', 'tak']);
    expect(outputs[0]?.actions).toEqual([]);
    expect(outputs[0]?.state.pending).toBe('consent');
    expect(outputs[1]?.actions).toEqual([{ type: 'save_lead' }]);
  });

  it('switches language when the customer does, and keeps it for neutral messages', () => {
    const outputs = talk(['Dzień dobry', 'Sorry, do you speak English? How much does it cost?', '50', 'ok']);
    expect(outputs.map((o) => o.locale)).toEqual(['pl', 'en', 'en', 'en']);
    expect(outputs[1]?.text).toContain('PLN');
    expect(outputs[2]?.text).toContain('PLN 49,950');
  });

  it('starts in the hinted language when the first message does not tell', () => {
    expect(talk(['50 m2'], 'en')[0]?.locale).toBe('en');
    expect(talk(['50 m2'])[0]?.locale).toBe('pl');
  });

  it('hands over to a human on request', () => {
    const [out] = talk(['Chcę porozmawiać z konsultantem']);
    expect(out?.actions).toEqual([{ type: 'handoff', reason: 'customer_request' }]);
    expect(out?.state.handoffOffered).toBe(true);
  });

  it('hands over after two consecutive misunderstandings, not after one', () => {
    const outputs = talk(['qwerty', 'ile kosztuje?', 'asdfgh', 'zxcvb']);
    expect(outputs[0]?.actions).toEqual([]);
    expect(outputs[0]?.intent).toBe('unknown');
    expect(outputs[2]?.actions).toEqual([]);
    expect(outputs[3]?.actions).toEqual([{ type: 'handoff', reason: 'misunderstanding' }]);
  });

  it('hands an angry customer over', () => {
    const [out] = talk(['To skandal, jestem wściekły!']);
    expect(out?.actions).toEqual([{ type: 'handoff', reason: 'angry' }]);
  });

  it('answers abuse calmly and flags it', () => {
    const [out] = talk(['spierdalaj']);
    expect(out?.actions).toEqual([{ type: 'abuse' }]);
    expect(out?.text.length).toBeLessThan(120);
  });

  it('turns a data request into a privacy action without taking the e-mail as a lead', () => {
    const [out] = talk(['RODO: usuńcie moje dane, mój mail to jan@example.com']);
    expect(out?.actions).toEqual([{ type: 'privacy_request', kind: 'erase' }]);
    expect(out?.state.details.email).toBeNull();
  });

  it('offers the free consultation with the booking URL', () => {
    const [out] = talk(['Chciałbym umówić konsultację']);
    expect(out?.actions).toEqual([{ type: 'booking_offered', url: 'https://example.pl/konsultacja' }]);
    expect(out?.text).toContain('https://example.pl/konsultacja');
  });

  it('flags a high-value lead once', () => {
    const outputs = talk(['ile kosztuje Premium za 120 m2?', 'a budżet mam 300 tys. zł']);
    expect(outputs[0]?.quote?.min).toBe(239880);
    expect(outputs[0]?.actions).toEqual([{ type: 'handoff', reason: 'high_value' }]);
    expect(outputs[1]?.actions).toEqual([]);
  });

  it('answers topics and FAQ from the knowledge base, verbatim', () => {
    const outputs = talk([
      'Czy dajecie gwarancję?',
      'czy mogę mieszkać z psem w trakcie remontu?',
      'pogoda jutro?',
    ]);
    expect(outputs[0]?.text).toContain('36 miesięcy gwarancji na prace.');
    expect(outputs[1]?.intent).toBe('faq');
    expect(outputs[1]?.text).toContain('Odradzamy — pył i hałas nie służą zwierzętom.');
    expect(outputs[2]?.intent).toBe('out_of_scope');
    expect(outputs[2]?.text).toContain('Domy Testowe');
  });

  it('is deterministic: the same conversation gives identical outputs', () => {
    const messages = [
      'Dzień dobry',
      'ile kosztuje 55 m2 Express Plus?',
      'Gdańsk',
      'Łukasz',
      'tak',
      '600100200',
      'tak',
    ];
    expect(talk(messages)).toEqual(talk(messages));
    expect(JSON.stringify(talk(messages))).toBe(JSON.stringify(talk(messages)));
  });

  it('does not change the state it was given', () => {
    const kb = createFakeKnowledge();
    const first = reply({ message: 'ile kosztuje 50 m2?', state: null }, kb, dialogue);
    const snapshot = JSON.stringify(first.state);
    reply({ message: 'Premium', state: first.state }, kb, dialogue);
    expect(JSON.stringify(first.state)).toBe(snapshot);
  });
});
