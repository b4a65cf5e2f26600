/**
 * Full-text search over a knowledge snapshot: one minisearch (BM25) index per locale over entries
 * (question, tags, answer) and packages (name, aliases, summary, what is included), with Polish-aware
 * normalisation, moderate fuzzy matching and prefix matching. Building it takes milliseconds, so it is
 * simply rebuilt whenever the knowledge changes.
 */

import MiniSearch, { type SearchOptions } from 'minisearch';
import { normalizeForSearch, searchTextProcessor } from '../../lang/search-normalize.js';
import { formatPricePerM2 } from './render.js';
import type { KnowledgeSnapshot, Locale, Package, SearchHit } from './types.js';
import { LOCALES } from './types.js';

/** The topic reported on search hits that are packages (their id is the package id). */
export const PACKAGE_HIT_TOPIC = 'package';

export const DEFAULT_SEARCH_LIMIT = 5;

interface IndexedDoc {
  id: string;
  /** Question, or package name. */
  title: string;
  /** Tags and topic, or package aliases. */
  keywords: string;
  /** Answer, or package summary, price and inclusions. */
  body: string;
}

export interface KnowledgeSearchIndex {
  /** Best hits first; an empty or meaningless query gives none. */
  search(query: string, locale: Locale, limit?: number): SearchHit[];
}

const hasDigit = (term: string) => /\d/.test(term);

const SEARCH_OPTIONS: SearchOptions = {
  boost: { title: 3, keywords: 2, body: 1 },
  prefix: (term) => term.length >= 4 && !hasDigit(term),
  fuzzy: (term) => (term.length >= 5 && !hasDigit(term) ? 0.2 : false),
  maxFuzzy: 2,
  weights: { fuzzy: 0.3, prefix: 0.4 },
  combineWith: 'OR',
};

/** The text of a package as an answer: price, duration, summary and what it includes. */
export function packageAnswer(pkg: Package, locale: Locale): string {
  const price = formatPricePerM2(pkg, locale);
  const weeks = pkg.durationWeeks
    ? locale === 'pl'
      ? ` Czas realizacji dla ok. 50 m²: ${pkg.durationWeeks.min}–${pkg.durationWeeks.max} tygodni.`
      : ` Typical duration for about 50 m²: ${pkg.durationWeeks.min}–${pkg.durationWeeks.max} weeks.`
    : '';
  const includes = pkg.includes[locale].map((item) => `- ${item}`).join('\n');
  return `${pkg.name}: ${price}.${weeks}\n${pkg.summary[locale]}\n${includes}`;
}

function documentsFor(snapshot: KnowledgeSnapshot, locale: Locale): IndexedDoc[] {
  const entries = snapshot.entries.map(
    (entry): IndexedDoc => ({
      id: entry.id,
      title: entry.question[locale],
      keywords: [...entry.tags, entry.topic === 'faq' ? '' : entry.topic.replace(/_/g, ' ')].join(' '),
      body: entry.answer[locale],
    }),
  );
  const packages = snapshot.packages.map(
    (pkg): IndexedDoc => ({
      id: pkg.id,
      title: pkg.name,
      keywords: pkg.aliases.join(' '),
      body: `${formatPricePerM2(pkg, locale)} ${pkg.summary[locale]} ${pkg.includes[locale].join(' ')}`,
    }),
  );
  return [...entries, ...packages];
}

/** How much a package named in the query (by its name or an alias) gains over other hits. */
const NAMED_PACKAGE_BOOST = 2;

/**
 * The packages the query names most completely: "Express Plus" names Express Plus (two words) more
 * completely than Express (one word), so only Express Plus is returned; "Express" names only Express.
 */
function namedPackages(queryTerms: ReadonlySet<string>, nameForms: ReadonlyMap<string, string[][]>): Set<string> {
  let best = 0;
  let ids = new Set<string>();
  for (const [id, forms] of nameForms) {
    let size = 0;
    for (const form of forms) {
      if (form.length > size && form.every((term) => queryTerms.has(term))) size = form.length;
    }
    if (size === 0 || size < best) continue;
    if (size > best) {
      best = size;
      ids = new Set();
    }
    ids.add(id);
  }
  return ids;
}

export function buildSearchIndex(snapshot: KnowledgeSnapshot): KnowledgeSearchIndex {
  const indexes = new Map<Locale, MiniSearch<IndexedDoc>>();
  const packageNames = new Map<Locale, Map<string, string[][]>>();
  for (const locale of LOCALES) {
    packageNames.set(
      locale,
      new Map(
        snapshot.packages.map((pkg) => [
          pkg.id,
          [pkg.name, ...pkg.aliases].map((form) => [...new Set(normalizeForSearch(form, locale))]),
        ]),
      ),
    );
    const { tokenize, processTerm, processQueryTerm } = searchTextProcessor(locale);
    const index = new MiniSearch<IndexedDoc>({
      fields: ['title', 'keywords', 'body'],
      tokenize,
      processTerm,
      searchOptions: { ...SEARCH_OPTIONS, tokenize, processTerm: processQueryTerm },
    });
    index.addAll(documentsFor(snapshot, locale));
    indexes.set(locale, index);
  }

  const entries = new Map(snapshot.entries.map((e) => [e.id, e]));
  const packages = new Map(snapshot.packages.map((p) => [p.id, p]));

  const toHit = (id: string, score: number, locale: Locale): SearchHit | undefined => {
    const entry = entries.get(id);
    if (entry) {
      return { id, topic: entry.topic, score, question: entry.question[locale], answer: entry.answer[locale] };
    }
    const pkg = packages.get(id);
    if (pkg) return { id, topic: PACKAGE_HIT_TOPIC, score, question: pkg.name, answer: packageAnswer(pkg, locale) };
    return undefined;
  };

  return {
    search(query, locale, limit = DEFAULT_SEARCH_LIMIT) {
      if (limit <= 0 || !query.trim()) return [];
      // A question typed in the other language still finds its answer, returned in the asked locale.
      const order = [locale, ...LOCALES.filter((l) => l !== locale)];
      for (const searchLocale of order) {
        const results = indexes.get(searchLocale)?.search(query) ?? [];
        if (results.length === 0) continue;
        const named = namedPackages(
          new Set(normalizeForSearch(query, searchLocale)),
          packageNames.get(searchLocale) ?? new Map(),
        );
        const ranked = results
          .map((r) => ({ id: String(r.id), score: named.has(String(r.id)) ? r.score * NAMED_PACKAGE_BOOST : r.score }))
          .sort((a, b) => b.score - a.score);
        const hits: SearchHit[] = [];
        for (const result of ranked) {
          const hit = toHit(result.id, result.score, locale);
          if (hit) hits.push(hit);
          if (hits.length >= limit) break;
        }
        return hits;
      }
      return [];
    },
  };
}
