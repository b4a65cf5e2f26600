/**
 * Checks one observed assistant turn against a scenario's expectations. Pure: it gets what the API
 * answered and what the application stored, and returns the list of unmet expectations in plain words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Expectation, Language, Question } from './scenario-format.js';

export interface ObservedQuote {
  packageId: string;
  areaM2: number;
  min: number;
  max: number;
  currency: string;
}

export interface ObservedLead {
  firstName: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  areaM2: number | null;
  packageId: string | null;
  processingConsent: boolean;
  marketingConsent: boolean;
}

/** One turn as the customer saw it, plus what the application stored after it. */
export interface ObservedTurn {
  locale: string;
  text: string;
  suggestions: string[];
  quote: ObservedQuote | null;
  handoff: string | null;
  /** The question the assistant is now waiting for an answer to (conversation state). */
  pending: string | null;
  /** What the assistant has recorded about the customer (conversation state). */
  details: Record<string, unknown>;
  /** undefined when the turn's expectations did not need the leads table. */
  lead?: ObservedLead | null;
}

/** Lower case, no diacritics (ł and ø too), one space for any run of whitespace (incl. no-break spaces). */
export function looseForm(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Whitespace made uniform, everything else kept as written. */
export function exactForm(value: string): string {
  return value.replace(/\s+/gu, ' ').trim();
}

/** Common function words of each language (disjoint), to tell which one a reply is written in. */
const LANGUAGE_WORDS: Record<Language, ReadonlySet<string>> = {
  pl: new Set(
    `w z ze na dla od za czy nie tak jest sa sie mi mam moge mozna prosze dziekuje jak ile ktory
    ktora jakim jaki pakiet pakiecie pakiety mieszkanie mieszkania koszt kosztuje lub oraz albo tutaj juz
    ma pan pani panie rozmowy danych dane oto nasze nasz przepraszam rozumiem jasne dobrze milo
    orientacyjny konsultacje bezplatna projektant projektantem tygodni zwykle`.split(/\s+/),
  ),
  en: new Set(
    `the a an is are you your we our of and in for with please thank thanks package flat cost costs can
    may i'm i've i'll it it's here this that will be us about there which what how nice meet sorry help
    estimated designer consultation weeks usually yes understood afraid`.split(/\s+/),
  ),
};

/** Counts the function words of each language in a text. */
export function languageScores(value: string): Record<Language, number> {
  const scores: Record<Language, number> = { pl: 0, en: 0 };
  const tokens = looseForm(value).match(/[a-z']+/g) ?? [];
  for (const token of tokens) {
    if (LANGUAGE_WORDS.pl.has(token)) scores.pl += 1;
    if (LANGUAGE_WORDS.en.has(token)) scores.en += 1;
  }
  return scores;
}

/** The wording of each question per language, read from the dialogue files the assistant itself uses. */
export type QuestionWording = Record<Language, Partial<Record<Question, string>>>;

export function loadQuestionWording(knowledgeDir: string): QuestionWording {
  const read = (locale: Language): Partial<Record<Question, string>> => {
    const file = path.join(knowledgeDir, 'dialogue', `${locale}.yaml`);
    const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { ask?: Record<string, unknown> };
    const out: Partial<Record<Question, string>> = {};
    for (const [key, template] of Object.entries(doc.ask ?? {})) {
      const plain =
        typeof template === 'string'
          ? template
          : template && typeof template === 'object' && 'plain' in template
            ? String((template as { plain: unknown }).plain)
            : null;
      // The named variant is "{name}, " + the plain question, so the plain text is found in either.
      if (plain && !plain.includes('{')) out[key as Question] = plain;
    }
    return out;
  };
  return { pl: read('pl'), en: read('en') };
}

function quoted(value: unknown): string {
  return JSON.stringify(value);
}

function asksQuestion(turn: ObservedTurn, question: Question, wording: QuestionWording): boolean {
  const locale: Language = turn.locale === 'en' ? 'en' : 'pl';
  const phrase = wording[locale][question];
  return phrase !== undefined && looseForm(turn.text).includes(looseForm(phrase));
}

const RECORDED_KEYS = {
  firstName: 'firstName',
  city: 'city',
  areaM2: 'areaM2',
  package: 'packageId',
  email: 'email',
  phone: 'phone',
} as const;

const LEAD_KEYS = {
  firstName: 'firstName',
  email: 'email',
  phone: 'phone',
  city: 'city',
  areaM2: 'areaM2',
  package: 'packageId',
  marketingConsent: 'marketingConsent',
} as const;

/** Returns every unmet expectation as one line of text; empty when the turn is as expected. */
export function checkTurn(expect: Expectation, turn: ObservedTurn, wording: QuestionWording): string[] {
  const failures: string[] = [];
  const reply = looseForm(turn.text);

  for (const phrase of expect.mentions ?? []) {
    if (!reply.includes(looseForm(phrase))) failures.push(`the reply should mention ${quoted(phrase)}`);
  }
  for (const phrase of expect.doesNotMention ?? []) {
    if (reply.includes(looseForm(phrase))) failures.push(`the reply should not mention ${quoted(phrase)}`);
  }
  if (expect.vocative !== undefined && !exactForm(turn.text).includes(exactForm(expect.vocative))) {
    failures.push(`the reply should address the customer as ${quoted(expect.vocative)} (exact spelling)`);
  }

  if (expect.asks === 'nothing') {
    if (turn.pending !== null) failures.push(`the reply should ask nothing, but it asks for ${turn.pending}`);
  } else if (expect.asks !== undefined) {
    if (turn.pending !== expect.asks) {
      failures.push(`the reply should ask for ${expect.asks}, but the pending question is ${turn.pending}`);
    } else if (wording.pl[expect.asks] !== undefined && !asksQuestion(turn, expect.asks, wording)) {
      failures.push(`the reply should contain the ${expect.asks} question, but its wording is not there`);
    }
  }
  for (const question of expect.doesNotAskAgain ?? []) {
    if (turn.pending === question || asksQuestion(turn, question, wording)) {
      failures.push(`the reply should not ask for ${question} again, but it does`);
    }
  }

  if (expect.quote === 'none') {
    if (turn.quote) failures.push(`the response should carry no quote, but it has ${quoted(turn.quote)}`);
  } else if (expect.quote !== undefined) {
    const q = expect.quote;
    if (!turn.quote) {
      failures.push(`the response should carry a quote ${quoted(q)}, but it has none`);
    } else {
      const problems: string[] = [];
      if (q.package !== undefined && turn.quote.packageId !== q.package) problems.push('package');
      if (q.areaM2 !== undefined && turn.quote.areaM2 !== q.areaM2) problems.push('area');
      if (q.amount !== undefined && (turn.quote.min !== q.amount || turn.quote.max !== q.amount)) {
        problems.push('amount');
      }
      if (q.min !== undefined && turn.quote.min !== q.min) problems.push('min');
      if (q.max !== undefined && turn.quote.max !== q.max) problems.push('max');
      if (problems.length > 0) {
        failures.push(
          `the quote should be ${quoted(q)}, but it is ${quoted(turn.quote)} (${problems.join(', ')} differ)`,
        );
      }
    }
  }

  if (expect.handoff === 'none') {
    if (turn.handoff !== null)
      failures.push(`there should be no handoff, but there is one (${turn.handoff})`);
  } else if (expect.handoff !== undefined && turn.handoff !== expect.handoff) {
    failures.push(`the handoff should be ${expect.handoff}, but it is ${turn.handoff ?? 'none'}`);
  }

  if (expect.language !== undefined) {
    const other: Language = expect.language === 'pl' ? 'en' : 'pl';
    const scores = languageScores(turn.text);
    if (turn.locale !== expect.language) {
      failures.push(`the response locale should be ${expect.language}, but it is ${turn.locale}`);
    }
    if (scores[expect.language] <= scores[other]) {
      failures.push(
        `the reply should read as ${expect.language} (common words: ${expect.language} ${scores[expect.language]}, ` +
          `${other} ${scores[other]})`,
      );
    }
  }

  if (expect.recorded !== undefined) {
    for (const [key, want] of Object.entries(expect.recorded)) {
      const got = turn.details[RECORDED_KEYS[key as keyof typeof RECORDED_KEYS]] ?? null;
      if (got !== want)
        failures.push(`the assistant should have recorded ${key} ${quoted(want)}, not ${quoted(got)}`);
    }
  }

  if (expect.leadStored !== undefined || expect.lead !== undefined) {
    const lead = turn.lead ?? null;
    const shouldExist = expect.leadStored ?? true;
    if (shouldExist && !lead)
      failures.push('a lead should be stored for this conversation, but there is none');
    if (!shouldExist && lead) failures.push(`no lead should be stored, but there is one: ${quoted(lead)}`);
    if (lead && shouldExist && !lead.processingConsent) {
      failures.push('the stored lead has no processing consent');
    }
    if (lead && expect.lead) {
      for (const [key, want] of Object.entries(expect.lead)) {
        const got = lead[LEAD_KEYS[key as keyof typeof LEAD_KEYS]] ?? null;
        if (got !== want) failures.push(`the lead's ${key} should be ${quoted(want)}, not ${quoted(got)}`);
      }
    }
  }
  return failures;
}
