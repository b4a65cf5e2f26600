/**
 * Search normalisation for Polish and English text: the same pipeline runs over the indexed documents
 * and over the visitor's query, so that "wykonczenie 50 metrow" and "wykończenie 50 m²" meet on the same
 * tokens.
 *
 * Pipeline: multi-word phrases → canonical tokens ("metry kwadratowe" → "m2", "jak długo" → "czas"),
 * match form (lower case, diacritics folded), word split, stop words dropped, a light stemmer (Polish
 * inflectional endings or English plurals, by locale), then a synonym table that maps every variant —
 * exact or stemmed — to one canonical token.
 *
 * Pure functions, no I/O.
 */

import type { Locale } from './locale.js';
import { matchForm } from './text.js';

/** The language whose stemmer applies. */
export type SearchLocale = Locale;

/** Shortest stem the stemmers leave behind: shorter words are kept whole. */
const MIN_STEM = 3;

/**
 * Canonical token → the words and phrases that mean it, in any case and with or without diacritics.
 * Single words also match in their inflected forms (through the stemmer); phrases match as written.
 */
const SYNONYMS: Record<string, readonly string[]> = {
  m2: [
    'm2',
    'mkw',
    'metr',
    'metry',
    'metrów',
    'metra',
    'metrach',
    'metrami',
    'metrze',
    'metraż',
    'metrażu',
    'sqm',
    'meter',
    'meters',
    'metre',
    'metres',
    'metry kwadratowe',
    'metrów kwadratowych',
    'metrach kwadratowych',
    'metr kwadratowy',
    'square meter',
    'square meters',
    'square metre',
    'square metres',
    'sq m',
    'm kw',
  ],
  cena: [
    'cena',
    'ceny',
    'cennik',
    'koszt',
    'koszty',
    'kosztuje',
    'kosztują',
    'kosztować',
    'ile',
    'wycena',
    'stawka',
    'zł',
    'zl',
    'złotych',
    'pln',
    'price',
    'prices',
    'pricing',
    'cost',
    'costs',
    'quote',
    'how much',
  ],
  gwarancja: [
    'gwarancja',
    'gwarancyjny',
    'gwarancyjne',
    'gwarancyjna',
    'rękojmia',
    'reklamacja',
    'warranty',
    'guarantee',
    'guaranteed',
    'complaint',
  ],
  raty: [
    'raty',
    'rata',
    'ratalny',
    'ratalnie',
    'kredyt',
    'kredytowy',
    'finansowanie',
    'finansować',
    'instalment',
    'instalments',
    'installment',
    'installments',
    'financing',
    'finance',
    'loan',
    'credit',
    'mortgage',
  ],
  lazienka: ['łazienka', 'łazienkowy', 'bathroom', 'toilet', 'wc'],
  kuchnia: ['kuchnia', 'kuchenny', 'kuchenna', 'kitchen'],
  czas: [
    'czas',
    'termin',
    'trwa',
    'trwać',
    'potrwa',
    'tydzień',
    'tygodnie',
    'tygodni',
    'timeline',
    'duration',
    'week',
    'weeks',
    'jak długo',
    'ile trwa',
    'ile czasu',
    'ile tygodni',
    'ile to potrwa',
    'how long',
    'how many weeks',
  ],
  podloga: ['podłoga', 'posadzka', 'floor', 'flooring'],
  plytki: ['płytka', 'płytki', 'kafelki', 'glazura', 'terakota', 'tile', 'tiles', 'tiling'],
  malowanie: ['malowanie', 'malować', 'farba', 'paint', 'painting'],
  elektryka: [
    'elektryka',
    'elektryczny',
    'elektryczna',
    'prąd',
    'electrics',
    'electrical',
    'electric',
    'wiring',
  ],
  hydraulika: ['hydraulika', 'hydrauliczny', 'plumbing'],
  materialy: ['materiał', 'materiały', 'material', 'materials'],
  umowa: ['umowa', 'kontrakt', 'contract', 'agreement'],
  faktura: ['faktura', 'invoice', 'vat'],
  zaliczka: ['zaliczka', 'zadatek', 'deposit', 'advance payment', 'down payment'],
  platnosc: ['płatność', 'płacić', 'zapłata', 'opłata', 'payment', 'pay', 'paying'],
  konsultacja: [
    'konsultacja',
    'spotkanie',
    'wizyta',
    'umówić',
    'umówienie',
    'rezerwacja',
    'consultation',
    'meeting',
    'appointment',
    'booking',
    'book',
  ],
  kontakt: ['kontakt', 'skontaktować', 'telefon', 'zadzwonić', 'mail', 'email', 'contact', 'phone', 'call'],
  obszar: ['obszar', 'zasięg', 'okolice', 'miasto', 'miasta', 'area', 'city', 'cities', 'region'],
  pakiet: ['pakiet', 'oferta', 'package', 'packages', 'offer'],
  wizualizacja: ['wizualizacja', 'render', 'visualisation', 'visualization', 'visualisations'],
  projekt: ['projekt', 'projektant', 'architekt', 'design', 'designer', 'architect'],
  mieszkanie: ['mieszkanie', 'lokal', 'apartament', 'flat', 'apartment'],
  dom: ['dom', 'house', 'home'],
  wykonczenie: [
    'wykończenie',
    'wykończeniowy',
    'wykańczanie',
    'wykończyć',
    'finishing',
    'finish',
    'fit-out',
    'pod klucz',
    'turnkey',
  ],
  remont: ['remont', 'renowacja', 'renovation', 'refurbishment'],
  halas: ['hałas', 'głośno', 'noise', 'noisy', 'loud'],
  sasiedzi: ['sąsiad', 'sąsiedzi', 'sąsiadów', 'neighbour', 'neighbours', 'neighbor', 'neighbors'],
  zwierzeta: ['zwierzę', 'zwierzęta', 'pies', 'kot', 'pet', 'pets', 'dog', 'cat'],
  sprzatanie: ['sprzątanie', 'sprzątać', 'porządek', 'cleaning', 'cleanup', 'clean'],
  pozwolenie: ['pozwolenie', 'zgłoszenie', 'zgoda', 'permit', 'permission', 'approval'],
  podczas: ['podczas', 'w trakcie', 'during', 'while'],
  zmiana: ['zmiana', 'zmienić', 'change', 'changes', 'modify'],
  minimum: ['minimum', 'minimalny', 'minimalna', 'najmniejszy', 'minimal', 'smallest'],
  proces: ['proces', 'etap', 'krok', 'przebieg', 'process', 'stage', 'step', 'steps'],
  express: ['express', 'ekspres', 'expres'],
  comfort: ['comfort', 'komfort'],
  individual: ['individual', 'indywidualny', 'indywidualna', 'custom', 'bespoke'],
};

const STOP_WORDS = new Set([
  // Polish (match form)
  'a',
  'aby',
  'ale',
  'albo',
  'az',
  'bo',
  'by',
  'byc',
  'chce',
  'chcialbym',
  'chcialabym',
  'ci',
  'co',
  'czy',
  'dla',
  'do',
  'go',
  'i',
  'ich',
  'im',
  'ja',
  'jak',
  'jaka',
  'jaki',
  'jakie',
  'je',
  'jest',
  'jestem',
  'jesli',
  'jezeli',
  'juz',
  'ktora',
  'ktore',
  'ktory',
  'lub',
  'ma',
  'mam',
  'mi',
  'mnie',
  'moge',
  'mozna',
  'moj',
  'moje',
  'moja',
  'na',
  'nam',
  'nas',
  'nie',
  'o',
  'od',
  'oraz',
  'po',
  'pod',
  'przez',
  'przy',
  'sa',
  'sie',
  'ta',
  'tak',
  'te',
  'tego',
  'ten',
  'to',
  'tu',
  'u',
  'w',
  'we',
  'wam',
  'was',
  'z',
  'za',
  'ze',
  'zeby',
  // English
  'am',
  'an',
  'and',
  'any',
  'are',
  'at',
  'be',
  'by',
  'can',
  'could',
  'do',
  'does',
  'for',
  'from',
  'have',
  'how',
  'i',
  'if',
  'in',
  'is',
  'it',
  'me',
  'my',
  'of',
  'on',
  'or',
  'our',
  'should',
  'that',
  'the',
  'there',
  'this',
  'to',
  'we',
  'what',
  'when',
  'which',
  'will',
  'with',
  'would',
  'you',
  'your',
]);

/**
 * Polish endings, in match form (diacritics folded), longest first. A pair replaces the ending (undoing
 * the common consonant alternations: łazienka / łazience, podłoga / podłodze, remont / remoncie).
 */
const POLISH_ENDINGS: readonly (readonly [string, string])[] = [
  ['owaniami', ''],
  ['owaniach', ''],
  ['owaniem', ''],
  ['owania', ''],
  ['owaniu', ''],
  ['owanie', ''],
  ['owych', ''],
  ['owymi', ''],
  ['owego', ''],
  ['owemu', ''],
  ['ujemy', ''],
  ['ujesz', ''],
  ['iach', ''],
  ['iami', ''],
  ['owie', ''],
  ['owej', ''],
  ['owym', ''],
  ['owac', ''],
  ['dzie', 'd'],
  ['ach', ''],
  ['ami', ''],
  ['ego', ''],
  ['emu', ''],
  ['ymi', ''],
  ['imi', ''],
  ['ych', ''],
  ['ich', ''],
  ['iej', ''],
  ['owi', ''],
  ['owa', ''],
  ['owe', ''],
  ['owy', ''],
  ['uje', ''],
  ['uja', ''],
  ['cie', 't'],
  ['dze', 'g'],
  ['rze', 'r'],
  ['om', ''],
  ['em', ''],
  ['ie', ''],
  ['ej', ''],
  ['ym', ''],
  ['im', ''],
  ['ow', ''],
  ['ac', ''],
  ['ic', ''],
  ['yc', ''],
  ['ek', 'k'],
  ['a', ''],
  ['e', ''],
  ['i', ''],
  ['o', ''],
  ['u', ''],
  ['y', ''],
];

const CONSONANT_BEFORE_CE = /[bdfghklmnprtwz]ce$/;

/** Strips one Polish inflectional ending from a word in match form; short words are kept. */
export function stemPolish(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  // łazience → łazienk, płytce → płytk (k → c before -e); praca / pracę keep their c.
  if (CONSONANT_BEFORE_CE.test(word) && word.length - 2 >= MIN_STEM) {
    return `${word.slice(0, -2)}k`;
  }
  let stem = word;
  for (const [ending, replacement] of POLISH_ENDINGS) {
    if (word.endsWith(ending) && word.length - ending.length + replacement.length >= MIN_STEM) {
      stem = word.slice(0, word.length - ending.length) + replacement;
      break;
    }
  }
  // A soft stem keeps its -i- after the ending goes (kuchni-ach → kuchni → kuchn, like kuchni-a → kuchn).
  if (stem !== word && stem.endsWith('i') && stem.length - 1 >= MIN_STEM + 1) stem = stem.slice(0, -1);
  return stem;
}

/** A light English stemmer: plurals, -ing, -ed and a final -e (tile / tiles / tiling → til). */
export function stemEnglish(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (/(sses|xes|ches|shes|zes)$/.test(stem)) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !/(ss|us|is)$/.test(stem) && stem.length > 3) stem = stem.slice(0, -1);
  else if (stem.endsWith('ing') && stem.length - 3 >= 4) stem = stem.slice(0, -3);
  else if (stem.endsWith('ed') && stem.length - 2 >= 4) stem = stem.slice(0, -2);
  if (stem.endsWith('e') && stem.length - 1 >= MIN_STEM) stem = stem.slice(0, -1);
  return stem;
}

const STEMMERS: Record<SearchLocale, (word: string) => string> = { pl: stemPolish, en: stemEnglish };

interface SynonymTables {
  /** Exact single words (match form) → canonical token. */
  exact: Map<string, string>;
  /** Stems of single words → canonical token. */
  stems: Map<string, string>;
}

/** Multi-word phrases → canonical token, longest phrases first so they win over their parts. */
const PHRASES: readonly { pattern: RegExp; token: string }[] = Object.entries(SYNONYMS)
  .flatMap(([token, variants]) =>
    variants
      .map((v) => matchForm(v))
      .filter((v) => /[\s-]/.test(v))
      .map((v) => ({ phrase: v, token })),
  )
  .sort((a, b) => b.phrase.length - a.phrase.length)
  .map(({ phrase, token }) => ({
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])${phrase.replace(/[\s-]+/g, '[\\s-]+')}(?![\\p{L}\\p{N}])`, 'gu'),
    token,
  }));

function buildTables(locale: SearchLocale): SynonymTables {
  const stem = STEMMERS[locale];
  const exact = new Map<string, string>();
  const stems = new Map<string, string>();
  for (const [token, variants] of Object.entries(SYNONYMS)) {
    exact.set(token, token);
    for (const variant of variants) {
      const form = matchForm(variant);
      if (/[\s-]/.test(form)) continue;
      exact.set(form, token);
      const variantStem = stem(form);
      if (!stems.has(variantStem)) stems.set(variantStem, token);
    }
  }
  return { exact, stems };
}

const TABLES: Record<SearchLocale, SynonymTables> = { pl: buildTables('pl'), en: buildTables('en') };

/**
 * Rewrites a text in match form so that units, numbers and phrases become single tokens:
 * "50m²" → "50 m2", "1 199 zł" → "1199 zl", "express+" → "express plus", "jak długo" → "czas".
 */
function prepare(text: string): string {
  let s = matchForm(text.replace(/\+(?![\p{L}\p{N}])/gu, ' plus '));
  s = s
    .replace(/m\s*(?:\^\s*2|²)/g, 'm2')
    .replace(/(?<=\d)[\s.\u00a0\u202f](?=\d{3}(?!\d))/g, '')
    .replace(/(\d)(?=[a-z])/g, '$1 ')
    .replace(/(?<=\d )m(?![\p{L}\p{N}])/gu, 'm2')
    .replace(/(?<![\p{L}\p{N}])m\.?\s?kw\.?(?![\p{L}\p{N}])/gu, 'm2');
  for (const { pattern, token } of PHRASES) s = s.replace(pattern, ` ${token} `);
  return s;
}

/** Splits a text into raw word tokens after phrase rewriting. Suitable as minisearch's `tokenize`. */
export function tokenizeForSearch(text: string): string[] {
  return prepare(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Turns one raw token into its canonical search term, or null when it carries no meaning (stop words,
 * single letters). Suitable as minisearch's `processTerm`.
 */
export function processSearchTerm(term: string, locale: SearchLocale = 'pl'): string | null {
  const word = matchForm(term);
  if (word.length === 0) return null;
  const tables = TABLES[locale];
  const direct = tables.exact.get(word);
  if (direct) return direct;
  if (STOP_WORDS.has(word)) return null;
  if (word.length === 1 && !/\d/.test(word)) return null;
  const stem = STEMMERS[locale](word);
  const synonym = tables.stems.get(stem);
  if (synonym) return synonym;
  // A word of the other language still reaches its canonical token ("gwarancji" typed in English).
  const other: SearchLocale = locale === 'pl' ? 'en' : 'pl';
  return TABLES[other].stems.get(STEMMERS[other](word)) ?? stem;
}

/**
 * The term processor for indexed documents: the canonical term, plus the word's own stem when a synonym
 * replaced it, so that a misspelt query ("finansowanei") still reaches the word by fuzzy matching.
 */
export function processIndexTerm(term: string, locale: SearchLocale = 'pl'): string[] | null {
  const canonical = processSearchTerm(term, locale);
  if (!canonical) return null;
  const stem = STEMMERS[locale](matchForm(term));
  return stem !== canonical && stem.length > MIN_STEM ? [canonical, stem] : [canonical];
}

/** The tokenizer and term processors for one locale, in the shape minisearch expects. */
export function searchTextProcessor(locale: SearchLocale): {
  tokenize: (text: string) => string[];
  /** For documents being indexed. */
  processTerm: (term: string) => string[] | null;
  /** For queries. */
  processQueryTerm: (term: string) => string | null;
} {
  return {
    tokenize: tokenizeForSearch,
    processTerm: (term) => processIndexTerm(term, locale),
    processQueryTerm: (term) => processSearchTerm(term, locale),
  };
}

/** The search terms of a text: what the index stores and what a query is matched by. */
export function normalizeForSearch(text: string, locale: SearchLocale = 'pl'): string[] {
  const terms: string[] = [];
  for (const token of tokenizeForSearch(text)) {
    const term = processSearchTerm(token, locale);
    if (term) terms.push(term);
  }
  return terms;
}
