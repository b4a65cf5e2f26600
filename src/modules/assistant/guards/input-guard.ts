/**
 * The input guard: cleans a customer message and tells whether it is an attack on the assistant
 * (prompt injection, extraction of its instructions, "ignore your rules" role-play, fishing for
 * secrets or other customers' data), in Polish, English, Russian and Ukrainian.
 */
import { stripInvisible } from '../../../lang/text.js';
import {
  ATTACK_PATTERNS,
  SQUASHED_PATTERNS,
  type AttackCategory,
  type AttackPattern,
} from './input-patterns.js';
import {
  baseForm,
  decodedBlobs,
  hasSpacedLetters,
  joinSpacedLetters,
  latinForm,
  squashedForm,
} from './normalize.js';

export const ATTACK_THRESHOLD = 1;

export interface InputVerdict {
  attack: boolean;
  score: number;
  categories: AttackCategory[];
  /** Ids of the patterns that matched (for logs and metrics; never the text). */
  patterns: string[];
}

/** Removes control and zero-width characters, trims, and cuts to the limit. */
export function cleanMessage(text: string, maxChars: number): string {
  return stripInvisible(text).trim().slice(0, maxChars).trim();
}

function scoreForms(forms: {
  latin: string[];
  cyrillic: string[];
  squashed: string | null;
}): Map<string, AttackPattern> {
  const hits = new Map<string, AttackPattern>();
  for (const pattern of ATTACK_PATTERNS) {
    const candidates = pattern.lang === 'ru' || pattern.lang === 'uk' ? forms.cyrillic : forms.latin;
    if (candidates.some((form) => pattern.re.test(form))) hits.set(pattern.id, pattern);
  }
  if (forms.squashed !== null) {
    for (const pattern of SQUASHED_PATTERNS)
      if (pattern.re.test(forms.squashed)) hits.set(pattern.id, pattern);
  }
  return hits;
}

function formsOf(text: string) {
  const base = baseForm(text);
  const joined = joinSpacedLetters(base);
  const latin = [...new Set([latinForm(base), latinForm(base, 'l'), latinForm(joined), joined])];
  return {
    latin,
    cyrillic: [...new Set([base, joined])],
    squashed: hasSpacedLetters(base) ? squashedForm(base) : null,
  };
}

/** Scores a message; `attack` when it reaches ATTACK_THRESHOLD. */
export function inspectMessage(text: string): InputVerdict {
  const hits = scoreForms(formsOf(text));
  let score = [...hits.values()].reduce((sum, p) => sum + p.score, 0);
  const blobs = decodedBlobs(text);
  for (const decoded of blobs) {
    const inner = scoreForms(formsOf(decoded));
    const innerScore = [...inner.values()].reduce((sum, p) => sum + p.score, 0);
    if (innerScore >= ATTACK_THRESHOLD) {
      hits.set('encoded.attack', {
        id: 'encoded.attack',
        lang: 'en',
        category: 'encoded',
        score: 1,
        re: /$^/,
      });
      score += 1;
      break;
    }
  }
  if (blobs.length > 0 && [...hits.keys()].some((id) => id.endsWith('.decode'))) {
    hits.set('encoded.blob', { id: 'encoded.blob', lang: 'en', category: 'encoded', score: 0.5, re: /$^/ });
    score += 0.5;
  }
  const categories = [...new Set([...hits.values()].map((p) => p.category))];
  return {
    attack: score >= ATTACK_THRESHOLD,
    score: Math.round(score * 100) / 100,
    categories,
    patterns: [...hits.keys()],
  };
}
