import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from './loader.js';
import { buildSearchIndex, type KnowledgeSearchIndex, PACKAGE_HIT_TOPIC } from './search-index.js';
import { SHIPPED_KNOWLEDGE_DIR } from './test-support.js';
import type { Locale } from './types.js';

let index: KnowledgeSearchIndex;

beforeAll(async () => {
  index = buildSearchIndex(await loadKnowledge(SHIPPED_KNOWLEDGE_DIR));
});

const ids = (query: string, locale: Locale, limit = 3) => index.search(query, locale, limit).map((h) => h.id);
const top = (query: string, locale: Locale) => index.search(query, locale, 1)[0];

describe('knowledge search', () => {
  it('ranks the pricing entries first for a price question, with or without Polish letters', () => {
    for (const query of ['ile kosztuje wykonczenie 50 metrow', 'Ile kosztuje wykończenie 50 metrów?']) {
      const hits = index.search(query, 'pl', 3);
      expect(hits.slice(0, 2).map((h) => h.id).sort(), query).toEqual(['faq-cost-of-finishing', 'packages-comparison']);
      expect(hits[0]?.answer).toContain('zł/m²');
    }
    expect(ids('how much per square metre', 'en', 2).sort()).toEqual(['faq-cost-of-finishing', 'packages-comparison']);
  });

  it('finds the guarantee page', () => {
    expect(top('gwarancja', 'pl')?.topic).toBe('guarantee');
    expect(top('jaka jest gwarancja?', 'pl')?.topic).toBe('guarantee');
    expect(top('warranty', 'en')?.topic).toBe('guarantee');
  });

  it('finds financing for questions about instalments', () => {
    expect(ids('czy mogę płacić w ratach', 'pl', 2)).toContain('financing');
    expect(top('czy moge placic w ratach', 'pl')?.topic).toBe('financing');
    expect(top('can I pay in instalments?', 'en')?.topic).toBe('financing');
  });

  it('finds the timeline for "how long"', () => {
    expect(top('how long does it take', 'en')?.topic).toBe('timeline');
    expect(top('jak długo trwa wykończenie mieszkania?', 'pl')?.topic).toBe('timeline');
    expect(top('ile trwa wykonczenie', 'pl')?.topic).toBe('timeline');
  });

  it('tells Express Plus from Express', () => {
    expect(top('Express Plus', 'pl')).toMatchObject({ id: 'express-plus', topic: PACKAGE_HIT_TOPIC });
    expect(top('ekspres+', 'pl')?.id).toBe('express-plus');
    expect(top('pakiet express plus', 'en')?.id).toBe('express-plus');
    expect(top('Express', 'pl')?.id).toBe('express');
    expect(top('ekspres', 'en')?.id).toBe('express');
  });

  it('returns a package as an answer with its price in the asked language', () => {
    const hit = top('pakiet Comfort', 'en');
    expect(hit?.id).toBe('comfort');
    expect(hit?.question).toBe('Comfort');
    expect(hit?.answer).toContain('1,499 zł/m²');
    expect(top('pakiet Comfort', 'pl')?.answer).toContain('1499 zł/m²');
  });

  it('answers everyday questions from the FAQ', () => {
    expect(top('płytki w łazience do sufitu', 'pl')?.id).toBe('faq-bathroom-tiles');
    expect(top('czy mogę mieszkać podczas remontu', 'pl')?.id).toBe('faq-live-during-works');
    expect(top('faktura VAT 8%', 'pl')?.id).toBe('faq-vat-invoice');
    expect(top('mam psa', 'pl')?.id).toBe('faq-pets');
    expect(top('zaliczka', 'pl')?.id).toBe('faq-deposit');
    expect(top('do you need a deposit', 'en')?.id).toBe('faq-deposit');
    expect(top('numer telefonu', 'pl')?.topic).toBe('contact');
    expect(top('umówić konsultację', 'pl')?.topic).toBe('booking');
    expect(top('czy działacie w Krakowie?', 'pl')?.topic).toBe('service_area');
  });

  it('tolerates a typo', () => {
    expect(top('gwarancija', 'pl')?.topic).toBe('guarantee');
    expect(ids('finansowanei', 'pl', 2)).toContain('financing');
    expect(top('kuhnia', 'pl')?.id).toBe('faq-kitchen');
  });

  it('answers in the asked locale even when the question is in the other language', () => {
    const hit = top('gwarancja', 'en');
    expect(hit?.topic).toBe('guarantee');
    expect(hit?.question).toBe('What guarantee do you give on the work?');
  });

  it('returns best hits first and respects the limit', () => {
    const hits = index.search('cena wykończenia łazienki', 'pl', 4);
    expect(hits).toHaveLength(4);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
  });

  it('returns nothing for an empty or meaningless query', () => {
    expect(index.search('', 'pl')).toEqual([]);
    expect(index.search('   ', 'en')).toEqual([]);
    expect(index.search('czy i w', 'pl')).toEqual([]);
  });
});
