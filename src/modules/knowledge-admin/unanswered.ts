/**
 * Groups the customer questions the assistant could not answer by similarity, so that the staff can
 * turn a recurring question into an FAQ entry.
 *
 * Each question is reduced to its search terms (the same normalisation the knowledge search uses:
 * diacritics, inflection, synonyms and stop words), and joins the first group whose first question
 * shares enough terms with it (Jaccard similarity of the term sets ≥ the threshold); otherwise it
 * starts a group. Questions are taken oldest first, so the same questions always give the same groups
 * with the same ids.
 */
import { createHash } from 'node:crypto';
import { normalizeForSearch } from '../../lang/search-normalize.js';
import { maskText } from '../../platform/pii.js';
import type { Locale } from '../knowledge/types.js';

export interface UnansweredQuestion {
  sessionId: string;
  text: string;
  locale: Locale;
  askedAt: Date;
}

export interface QuestionGroup {
  /** Stable while the group's first question stays in the window. */
  id: string;
  /** The search terms of the group's first question. */
  terms: string[];
  /** The language most of its questions were asked in (Polish on a tie). */
  locale: Locale;
  count: number;
  conversations: number;
  firstAskedAt: string;
  lastAskedAt: string;
  /** Up to five distinct questions, most recent first, with e-mail addresses and phone numbers masked. */
  examples: string[];
}

export const DEFAULT_SIMILARITY = 0.5;
const MAX_EXAMPLES = 5;

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return shared / (a.size + b.size - shared);
}

interface Building {
  terms: Set<string>;
  members: UnansweredQuestion[];
}

function compareQuestions(a: UnansweredQuestion, b: UnansweredQuestion): number {
  return (
    a.askedAt.getTime() - b.askedAt.getTime() ||
    (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0) ||
    (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)
  );
}

export function groupQuestions(
  questions: readonly UnansweredQuestion[],
  threshold = DEFAULT_SIMILARITY,
): QuestionGroup[] {
  const groups: Building[] = [];
  for (const question of [...questions].sort(compareQuestions)) {
    const terms = new Set(normalizeForSearch(question.text, question.locale));
    if (terms.size === 0) continue;
    let best: Building | undefined;
    let bestScore = 0;
    for (const group of groups) {
      const score = jaccard(terms, group.terms);
      if (score >= threshold && score > bestScore) {
        best = group;
        bestScore = score;
      }
    }
    if (best) best.members.push(question);
    else groups.push({ terms, members: [question] });
  }
  return groups
    .map((group): QuestionGroup => {
      const terms = [...group.terms].sort();
      const newestFirst = [...group.members].reverse();
      const examples: string[] = [];
      for (const member of newestFirst) {
        const text = maskText(member.text.trim().replace(/\s+/g, ' ')).slice(0, 300);
        if (!examples.includes(text)) examples.push(text);
        if (examples.length === MAX_EXAMPLES) break;
      }
      const en = group.members.filter((m) => m.locale === 'en').length;
      return {
        id: `q${createHash('sha256').update(terms.join(' ')).digest('hex').slice(0, 12)}`,
        terms,
        locale: en > group.members.length - en ? 'en' : 'pl',
        count: group.members.length,
        conversations: new Set(group.members.map((m) => m.sessionId)).size,
        firstAskedAt: group.members[0]!.askedAt.toISOString(),
        lastAskedAt: group.members[group.members.length - 1]!.askedAt.toISOString(),
        examples,
      };
    })
    .sort(
      (a, b) =>
        b.count - a.count ||
        (a.lastAskedAt < b.lastAskedAt ? 1 : a.lastAskedAt > b.lastAskedAt ? -1 : 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}
