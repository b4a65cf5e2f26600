/** A small in-memory knowledge base for the engine's tests: the demo company's five packages and a few entries. */
import { matchForm, words } from '../../../../lang/text.js';
import type {
  KnowledgeEntry,
  KnowledgeReader,
  KnowledgeSnapshot,
  Locale,
  Package,
  SearchHit,
} from '../../../knowledge/types.js';

const pkg = (
  id: string,
  name: string,
  aliases: string[],
  min: number,
  max: number,
  summaryPl: string,
  summaryEn: string,
  weeks: { min: number; max: number },
): Package => ({
  id,
  name,
  aliases,
  pricePerM2: { min, max, currency: 'PLN' },
  summary: { pl: summaryPl, en: summaryEn },
  includes: { pl: ['malowanie', 'podłogi', 'łazienka'], en: ['painting', 'floors', 'bathroom'] },
  durationWeeks: weeks,
});

export const PACKAGES: Package[] = [
  pkg('express', 'Express', ['ekspres'], 999, 999, 'Szybkie wykończenie pod klucz.', 'Fast turnkey finish.', {
    min: 4,
    max: 6,
  }),
  pkg(
    'express-plus',
    'Express Plus',
    ['express+', 'ekspres plus'],
    1199,
    1199,
    'Więcej wyboru materiałów.',
    'More choice of materials.',
    { min: 5, max: 7 },
  ),
  pkg('comfort', 'Comfort', ['komfort'], 1499, 1499, 'Wygodny standard.', 'Comfortable standard.', {
    min: 6,
    max: 8,
  }),
  pkg('premium', 'Premium', [], 1999, 1999, 'Materiały premium.', 'Premium materials.', { min: 8, max: 10 }),
  pkg(
    'individual',
    'Individual',
    ['indywidualny', 'projekt indywidualny'],
    1700,
    5000,
    'Projekt na miarę.',
    'A made-to-measure design.',
    { min: 8, max: 16 },
  ),
];

const entry = (
  id: string,
  topic: string,
  tags: string[],
  qPl: string,
  aPl: string,
  qEn: string,
  aEn: string,
): KnowledgeEntry => ({
  id,
  topic,
  tags,
  question: { pl: qPl, en: qEn },
  answer: { pl: aPl, en: aEn },
});

export const ENTRIES: KnowledgeEntry[] = [
  entry(
    'process',
    'process',
    ['etapy'],
    'Jak wygląda współpraca?',
    'Zaczynamy od bezpłatnej konsultacji, potem projekt i realizacja.',
    'How does it work?',
    'We start with a free consultation, then design and execution.',
  ),
  entry(
    'timeline',
    'timeline',
    ['czas'],
    'Ile trwa wykończenie?',
    'Zwykle od 4 do 10 tygodni.',
    'How long does it take?',
    'Usually 4 to 10 weeks.',
  ),
  entry(
    'guarantee',
    'guarantee',
    ['gwarancja'],
    'Czy dajecie gwarancję?',
    'Tak, 36 miesięcy gwarancji na prace.',
    'Do you give a warranty?',
    'Yes, a 36-month warranty on the work.',
  ),
  entry(
    'financing',
    'financing',
    ['raty'],
    'Czy można w ratach?',
    'Tak, współpracujemy z bankami — raty 0%.',
    'Can I pay in instalments?',
    'Yes, 0% instalments through partner banks.',
  ),
  entry(
    'faq-pets',
    'faq',
    ['zwierzęta', 'pies', 'kot', 'pets', 'dog'],
    'Czy mogę mieszkać z psem w trakcie remontu?',
    'Odradzamy — pył i hałas nie służą zwierzętom.',
    'Can I live with my dog during the works?',
    'We advise against it — dust and noise are hard on pets.',
  ),
];

export const SNAPSHOT: KnowledgeSnapshot = {
  business: {
    name: 'Domy Testowe',
    phone: '+48 22 100 20 30',
    email: 'biuro@example.pl',
    bookingUrl: 'https://example.pl/konsultacja',
    hours: { '1': '09:00-17:00' },
    timezone: 'Europe/Warsaw',
    serviceArea: ['Warszawa', 'Gdańsk', 'Gdynia', 'Sopot'],
    currency: 'PLN',
  },
  packages: PACKAGES,
  entries: ENTRIES,
  version: 1,
};

const STOP = new Set(['czy', 'jak', 'the', 'and', 'can', 'mogę', 'moge', 'with', 'during', 'trakcie']);

function tokens(text: string): Set<string> {
  return new Set(words(matchForm(text)).filter((w) => w.length >= 3 && !STOP.has(w)));
}

/** Token-overlap search: one point per shared word between the query and an entry's question and tags. */
export function createFakeKnowledge(
  snapshot: KnowledgeSnapshot = SNAPSHOT,
): KnowledgeReader & { searches: number } {
  const reader = {
    searches: 0,
    snapshot: () => snapshot,
    findPackage: (id: string) => snapshot.packages.find((p) => p.id === id),
    entriesByTopic: (topic: string) => snapshot.entries.filter((e) => e.topic === topic),
    search(query: string, locale: Locale, limit = 5): SearchHit[] {
      reader.searches += 1;
      const q = tokens(query);
      return snapshot.entries
        .map((e) => {
          const t = tokens(`${e.question[locale]} ${e.tags.join(' ')}`);
          let score = 0;
          for (const w of q) if (t.has(w)) score += 1;
          return { id: e.id, topic: e.topic, score, question: e.question[locale], answer: e.answer[locale] };
        })
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
        .slice(0, limit);
    },
  };
  return reader;
}
