import { describe, expect, it } from 'vitest';
import { emptyMemory, readMemory, recentWithinBudget, rememberTurn, summary } from './memory.js';

const details = {
  firstName: 'Anna',
  email: 'anna@example.com',
  phone: null,
  city: 'Kraków',
  areaM2: 50,
  packageId: 'comfort',
  budgetPln: null,
};

describe('conversation memory', () => {
  it('keeps the topics and the contact details the customer gave, nothing word for word', () => {
    let memory = emptyMemory();
    for (let i = 0; i < 10; i++) {
      memory = rememberTurn(memory, {
        intent: i % 2 ? 'pricing' : 'timeline',
        contacts: i === 3 ? ['anna@example.com'] : [],
      });
    }
    expect(memory.topics.length).toBeGreaterThan(2);
    expect(memory.contacts).toEqual(['anna@example.com']);
    expect(Object.keys(memory).sort()).toEqual(['contacts', 'topics']);
    expect(readMemory({ memory })).toEqual(memory);
    // A state written before the messages moved out of it still reads; the old copy is dropped.
    expect(readMemory({ memory: { ...memory, recent: [{ role: 'user', text: 'x' }] } })).toEqual(memory);
    expect(readMemory({ memory: { topics: 'nonsense' } })).toEqual(emptyMemory());
  });

  it('fits the history to the token budget, newest first, starting with a customer message', () => {
    const messages = Array.from({ length: 6 }, () => [
      { role: 'user' as const, text: 'u'.repeat(400) },
      { role: 'assistant' as const, text: 'a'.repeat(400) },
    ]).flat();
    const all = recentWithinBudget(messages, 100_000);
    expect(all).toHaveLength(12);
    const fitted = recentWithinBudget(messages, 350);
    // 400 characters ≈ 100 tokens (+4 per message): three fit, then the leading assistant one goes.
    expect(fitted).toHaveLength(2);
    expect(fitted[0]?.role).toBe('user');
    expect(recentWithinBudget(messages, 0)).toEqual([]);
  });

  it('summarises the extracted details in the conversation language', () => {
    const memory = rememberTurn(emptyMemory(), { intent: 'pricing', contacts: [] });
    expect(summary(details, true, memory, 'en')).toContain('first name: Anna; city: Kraków; area (m²): 50');
    expect(summary(details, true, memory, 'en')).toContain('Earlier you talked about: pricing.');
    expect(summary(details, null, emptyMemory(), 'pl')).toContain('imię: Anna');
  });
});
