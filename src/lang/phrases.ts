/**
 * Whole-word phrase matching, diacritic- and case-insensitive, longest phrase first: the building block
 * for finding city names, package names and similar closed lists in free text. Pure, no I/O.
 */
import { matchForm, words } from './text.js';

export interface PhraseEntry<T> {
  value: T;
  phrases: readonly string[];
}

export interface PhraseMatch<T> {
  value: T;
  /** The phrase as registered. */
  phrase: string;
  /** Index of the first and one-past-last matched token in `tokens`. */
  tokenStart: number;
  tokenEnd: number;
}

export interface PhraseScan<T> {
  /** The text's tokens in match form. */
  tokens: string[];
  matches: PhraseMatch<T>[];
}

export interface PhraseMatcher<T> {
  scan(text: string): PhraseScan<T>;
}

/** Match-form tokens of a text; "+" reads as "plus" so "Express+" equals "Express Plus". */
export function phraseTokens(text: string): string[] {
  return words(matchForm(text.replace(/\+/g, ' plus ')));
}

/** Builds a matcher once; scanning is a single pass over the tokens. */
export function createPhraseMatcher<T>(entries: readonly PhraseEntry<T>[]): PhraseMatcher<T> {
  const byKey = new Map<string, { value: T; phrase: string }>();
  let maxTokens = 1;
  for (const entry of entries) {
    for (const phrase of entry.phrases) {
      const tokens = phraseTokens(phrase);
      if (tokens.length === 0) continue;
      const key = tokens.join(' ');
      if (!byKey.has(key)) byKey.set(key, { value: entry.value, phrase });
      maxTokens = Math.max(maxTokens, tokens.length);
    }
  }
  return {
    scan(text: string): PhraseScan<T> {
      const tokens = phraseTokens(text);
      const matches: PhraseMatch<T>[] = [];
      let i = 0;
      while (i < tokens.length) {
        let matched = false;
        for (let len = Math.min(maxTokens, tokens.length - i); len >= 1; len--) {
          const hit = byKey.get(tokens.slice(i, i + len).join(' '));
          if (hit) {
            matches.push({ value: hit.value, phrase: hit.phrase, tokenStart: i, tokenEnd: i + len });
            i += len;
            matched = true;
            break;
          }
        }
        if (!matched) i++;
      }
      return { tokens, matches };
    },
  };
}
