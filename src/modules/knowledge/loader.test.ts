import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeLoadError, loadKnowledge } from './loader.js';
import { copyShippedKnowledge, SHIPPED_KNOWLEDGE_DIR } from './test-support.js';

describe('loadKnowledge on the shipped knowledge base', () => {
  it('loads the business, the five packages with their prices and at least 45 FAQ entries', async () => {
    const snapshot = await loadKnowledge(SHIPPED_KNOWLEDGE_DIR);
    expect(snapshot.version).toBe(1);
    expect(snapshot.business.bookingUrl).toMatch(/^https:\/\//);
    expect(snapshot.business.serviceArea).toEqual(expect.arrayContaining(['Warszawa', 'Kraków', 'Łódź', 'Gdańsk']));

    const prices = Object.fromEntries(
      snapshot.packages.map((p) => [p.name, [p.pricePerM2.min, p.pricePerM2.max, p.pricePerM2.currency]]),
    );
    expect(prices).toEqual({
      Express: [999, 999, 'PLN'],
      'Express Plus': [1199, 1199, 'PLN'],
      Comfort: [1499, 1499, 'PLN'],
      Premium: [1999, 1999, 'PLN'],
      Individual: [1700, 5000, 'PLN'],
    });

    const faq = snapshot.entries.filter((e) => e.topic === 'faq');
    expect(faq.length).toBeGreaterThanOrEqual(45);
    for (const entry of snapshot.entries) {
      for (const locale of ['pl', 'en'] as const) {
        expect(entry.question[locale].length, `${entry.id} question.${locale}`).toBeGreaterThan(5);
        expect(entry.answer[locale].length, `${entry.id} answer.${locale}`).toBeGreaterThan(20);
      }
    }
  });

  it('has a page for every topic the assistant looks up', async () => {
    const snapshot = await loadKnowledge(SHIPPED_KNOWLEDGE_DIR);
    const topics = new Set(snapshot.entries.map((e) => e.topic));
    for (const topic of [
      'process',
      'timeline',
      'guarantee',
      'financing',
      'service_area',
      'contact',
      'booking',
      'packages',
      'payment',
      'materials',
    ]) {
      expect(topics, topic).toContain(topic);
    }
  });

  it('fills placeholders with the business profile and package prices', async () => {
    const snapshot = await loadKnowledge(SHIPPED_KNOWLEDGE_DIR);
    const byId = new Map(snapshot.entries.map((e) => [e.id, e]));
    const contact = byId.get('contact');
    expect(contact?.answer.pl).toContain(snapshot.business.phone);
    expect(contact?.answer.pl).toContain('pon.–pt. 8:00–18:00');
    expect(contact?.answer.en).toContain('Mon–Fri 8:00–18:00');
    const comparison = byId.get('packages-comparison');
    expect(comparison?.answer.pl).toContain('999 zł/m²');
    expect(comparison?.answer.pl).toContain('1700–5000 zł/m²');
    expect(comparison?.answer.pl).toMatch(/49\s950 zł/);
    for (const entry of snapshot.entries) {
      expect(`${entry.question.pl}${entry.answer.pl}${entry.answer.en}`, entry.id).not.toContain('{{');
    }
  });
});

describe('loadKnowledge on a broken knowledge base', () => {
  let dir: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, remove } = await copyShippedKnowledge());
  });
  afterEach(async () => {
    await remove();
  });

  async function loadError(): Promise<KnowledgeLoadError> {
    const error = await loadKnowledge(dir).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(KnowledgeLoadError);
    return error as KnowledgeLoadError;
  }

  it('names the file and the field of a missing answer', async () => {
    await writeFile(
      path.join(dir, 'faq', 'broken.yaml'),
      'entries:\n  - id: broken-entry\n    question: { pl: Pytanie?, en: Question? }\n    answer: { pl: Odpowiedź. }\n',
    );
    const error = await loadError();
    expect(error.file).toBe('faq/broken.yaml');
    expect(error.field).toBe('entries[0].answer.en');
    expect(error.message).toContain('faq/broken.yaml: entries[0].answer.en');
    expect(error.code).toBe('knowledge_invalid');
  });

  it('reports a price range that runs backwards', async () => {
    const file = path.join(dir, 'packages.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('{ min: 1700, max: 5000', '{ min: 5000, max: 1700'));
    const error = await loadError();
    expect(error.problems).toEqual([
      expect.objectContaining({ file: 'packages.yaml', field: 'packages[4].pricePerM2.max' }),
    ]);
  });

  it('reports invalid YAML with the file name', async () => {
    await writeFile(path.join(dir, 'business.yaml'), 'name: [unclosed\n');
    const error = await loadError();
    expect(error.problems[0]).toMatchObject({ file: 'business.yaml' });
    expect(error.message).toMatch(/business\.yaml: is not valid YAML/);
  });

  it('reports a Markdown entry without its English section', async () => {
    await writeFile(
      path.join(dir, 'topics', 'half.md'),
      '---\nid: half\ntopic: process\nquestion_pl: Pytanie?\nquestion_en: Question?\n---\n## pl\n\nTylko po polsku.\n',
    );
    const error = await loadError();
    expect(error.problems).toEqual([expect.objectContaining({ file: 'topics/half.md', field: 'answer.en' })]);
  });

  it('reports a misspelt field, a duplicate id and an unknown placeholder together', async () => {
    await writeFile(
      path.join(dir, 'faq', 'many.yaml'),
      [
        'entries:',
        '  - id: faq-deposit',
        '    question: { pl: Pytanie?, en: Question? }',
        '    answer: { pl: "Dzwoń: {{business.fax}}", en: Call us. }',
        '  - id: another',
        '    qestion: { pl: Pytanie?, en: Question? }',
        '    answer: { pl: Tak., en: Yes. }',
        '',
      ].join('\n'),
    );
    const error = await loadError();
    const fields = error.problems.map((p) => `${p.file} ${p.field ?? ''}`);
    expect(fields).toEqual(
      expect.arrayContaining(['faq/many.yaml entries[1]', 'faq/many.yaml entries[1].question']),
    );
    await writeFile(
      path.join(dir, 'faq', 'many.yaml'),
      'entries:\n  - id: faq-deposit\n    question: { pl: Pytanie?, en: Question? }\n    answer: { pl: "Dzwoń: {{business.fax}}", en: Call us. }\n',
    );
    const second = await loadError();
    expect(second.problems.map((p) => [p.file, p.field, p.message])).toEqual(
      expect.arrayContaining([
        ['faq/many.yaml', 'entries[0].id', expect.stringContaining('duplicate id "faq-deposit"')],
        ['faq/many.yaml', 'entries[0].answer.pl', 'unknown placeholder {{business.fax}}'],
      ]),
    );
  });

  it('requires a topic for entries under topics/ and business.yaml itself', async () => {
    await writeFile(
      path.join(dir, 'topics', 'no-topic.md'),
      '---\nid: no-topic\nquestion_pl: Pytanie?\nquestion_en: Question?\n---\n## pl\nTak.\n## en\nYes.\n',
    );
    await rm(path.join(dir, 'business.yaml'));
    const error = await loadError();
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'business.yaml', message: 'is missing' }),
        expect.objectContaining({ file: 'topics/no-topic.md', field: 'topic' }),
      ]),
    );
  });

  it('ignores hidden, "_"-prefixed and other files, and folders it does not own', async () => {
    await writeFile(path.join(dir, 'faq', '.draft.yaml'), 'not: [valid');
    await writeFile(path.join(dir, 'faq', '_notes.md'), 'free text');
    await writeFile(path.join(dir, 'faq', 'notes.txt'), 'free text');
    await mkdir(path.join(dir, 'dialogue'), { recursive: true });
    await writeFile(path.join(dir, 'dialogue', 'x.yaml'), 'anything: [at all');
    await expect(loadKnowledge(dir)).resolves.toMatchObject({ version: 1 });
  });
});
