/**
 * What the LLM remembers of a conversation. The conversation state keeps the compact part next to
 * the offline engine's state: the topics talked about (the running summary, built from the details
 * the engine extracted, with no extra LLM call) and the contact details the customer gave (the
 * output guard lets only those through). The recent messages word for word come from the transcript
 * itself, read only when an LLM writes the reply. A prompt is cut to the token budget by dropping
 * the oldest recent messages, which the summary covers.
 */
import { z } from 'zod';
import type { Locale } from '../../knowledge/types.js';
import type { CustomerDetails } from '../port.js';

/** How many recent messages of the transcript an LLM sees word for word. */
export const RECENT_MESSAGES = 12;
const MAX_TOPICS = 12;

/** A message of the transcript as the LLM sees it: the customer, or the business (assistant or operator). */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  text: string;
}

const memorySchema = z.object({
  topics: z.array(z.string().max(40)).max(50).default([]),
  contacts: z.array(z.string().max(320)).max(50).default([]),
});

export type Memory = z.infer<typeof memorySchema>;

export function emptyMemory(): Memory {
  return { topics: [], contacts: [] };
}

/** The memory inside a stored state (`state.memory`), or an empty one. */
export function readMemory(state: unknown): Memory {
  if (!state || typeof state !== 'object') return emptyMemory();
  const parsed = memorySchema.safeParse((state as { memory?: unknown }).memory);
  return parsed.success ? parsed.data : emptyMemory();
}

/** Adds a turn's topic and the contact details the customer gave in it. */
export function rememberTurn(memory: Memory, turn: { intent: string; contacts: string[] }): Memory {
  const topics = [...memory.topics];
  const lastTopic = topics[topics.length - 1];
  if (!['unknown', 'abuse', 'greeting', 'thanks'].includes(turn.intent) && lastTopic !== turn.intent) {
    topics.push(turn.intent);
  }
  return {
    topics: topics.slice(-MAX_TOPICS),
    contacts: [...new Set([...memory.contacts, ...turn.contacts])].slice(-50),
  };
}

const LABELS: Record<Locale, Record<string, string>> = {
  pl: {
    intro: 'Co wiadomo o kliencie',
    firstName: 'imię',
    city: 'miasto',
    areaM2: 'metraż (m²)',
    packageId: 'wybrany pakiet',
    budgetPln: 'budżet (zł)',
    contact: 'podał dane kontaktowe',
    consent: 'zgoda na kontakt',
    topics: 'Wcześniej rozmawialiście o',
    none: 'nic poza tą rozmową',
  },
  en: {
    intro: 'What is known about the customer',
    firstName: 'first name',
    city: 'city',
    areaM2: 'area (m²)',
    packageId: 'chosen package',
    budgetPln: 'budget (PLN)',
    contact: 'gave contact details',
    consent: 'consent to be contacted',
    topics: 'Earlier you talked about',
    none: 'nothing beyond this conversation',
  },
};

/** The running summary: extracted details and earlier topics, in the conversation's language. */
export function summary(
  details: CustomerDetails,
  consent: boolean | null,
  memory: Memory,
  locale: Locale,
): string {
  const l = LABELS[locale];
  const facts: string[] = [];
  for (const key of ['firstName', 'city', 'areaM2', 'packageId', 'budgetPln'] as const) {
    const value = details[key];
    if (value !== null) facts.push(`${l[key]}: ${value}`);
  }
  if (details.email !== null || details.phone !== null) facts.push(`${l.contact}`);
  if (consent !== null) facts.push(`${l.consent}: ${consent ? 'tak/yes' : 'nie/no'}`);
  const lines = [`${l.intro}: ${facts.length > 0 ? facts.join('; ') : l.none}.`];
  if (memory.topics.length > 0) lines.push(`${l.topics}: ${memory.topics.join(', ')}.`);
  return lines.join('\n');
}

/** Estimated tokens of a text (characters / 4). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The most recent messages (oldest first in `messages`) that fit in `budgetTokens`, oldest first. */
export function recentWithinBudget(
  messages: readonly HistoryMessage[],
  budgetTokens: number,
): HistoryMessage[] {
  const out: HistoryMessage[] = [];
  let used = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (!message) continue;
    const cost = estimateTokens(message.text) + 4;
    if (used + cost > budgetTokens) break;
    used += cost;
    out.unshift(message);
  }
  // A conversation for the model starts with a customer message.
  while (out.length > 0 && out[0]?.role !== 'user') out.shift();
  return out;
}
