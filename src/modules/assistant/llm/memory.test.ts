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
  it('keeps the recent turns word for word and older ones as topics', () => {
    let memory = emptyMemory();
    for (let i = 0; i < 10; i++) {
      memory = rememberTurn(memory, {
        user: `question ${i}`,
        assistant: `answer ${i}`,
        intent: i % 2 ? 'pricing' : 'timeline',
        contacts: i === 3 ? ['anna@example.com'] : [],
      });
    }
    expect(memory.recent).toHaveLength(12);
    expect(memory.recent[0]).toEqual({ role: 'user', text: 'question 4' });
    expect(memory.topics.length).toBeGreaterThan(2);
    expect(memory.contacts).toEqual(['anna@example.com']);
    expect(readMemory({ memory })).toEqual(memory);
    expect(readMemory({ memory: { recent: 'nonsense' } })).toEqual(emptyMemory());
  });

  it('fits the history to the token budget, newest first, starting with a customer message', () => {
    let memory = emptyMemory();
    for (let i = 0; i < 6; i++) {
      memory = rememberTurn(memory, {
        user: 'u'.repeat(400),
        assistant: 'a'.repeat(400),
        intent: 'faq',
        contacts: [],
      });
    }
    const all = recentWithinBudget(memory, 100_000);
    expect(all).toHaveLength(12);
    const fitted = recentWithinBudget(memory, 350);
    // 400 characters ≈ 100 tokens (+4 per message): three fit, then the leading assistant one goes.
    expect(fitted).toHaveLength(2);
    expect(fitted[0]?.role).toBe('user');
    expect(recentWithinBudget(memory, 0)).toEqual([]);
  });

  it('summarises the extracted details in the conversation language', () => {
    const memory = rememberTurn(emptyMemory(), {
      user: 'x',
      assistant: 'y',
      intent: 'pricing',
      contacts: [],
    });
    expect(summary(details, true, memory, 'en')).toContain('first name: Anna; city: Kraków; area (m²): 50');
    expect(summary(details, true, memory, 'en')).toContain('Earlier you talked about: pricing.');
    expect(summary(details, null, emptyMemory(), 'pl')).toContain('imię: Anna');
  });
});
