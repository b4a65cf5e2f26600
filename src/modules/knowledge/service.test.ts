import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeLoadError } from './loader.js';
import { createKnowledgeService, isRelevantChange, type KnowledgeService } from './service.js';
import { copyShippedKnowledge, eventually, SHIPPED_KNOWLEDGE_DIR } from './test-support.js';
import type { KnowledgeSnapshot } from './types.js';

const NEW_FAQ = `---
id: faq-sauna
tags: [sauna, łazienka]
question_pl: Czy montujecie saunę w łazience?
question_en: Do you install a sauna in the bathroom?
---
## pl

Tak, saunę infrared montujemy w pakietach Premium i Individual.

## en

Yes, we install infrared saunas in the Premium and Individual packages.
`;

describe('knowledge service', () => {
  it('serves the shipped knowledge base', async () => {
    const service = await createKnowledgeService({ dir: SHIPPED_KNOWLEDGE_DIR });
    try {
      expect(service.snapshot().version).toBe(1);
      expect(service.findPackage('express-plus')?.pricePerM2.min).toBe(1199);
      expect(service.findPackage('Express Plus')?.id).toBe('express-plus');
      expect(service.findPackage('ekspres')?.id).toBe('express');
      expect(service.findPackage('nope')).toBeUndefined();
      expect(service.entriesByTopic('guarantee').map((e) => e.id)).toEqual(['guarantee']);
      expect(service.entriesByTopic('faq').length).toBeGreaterThanOrEqual(45);
      expect(service.entriesByTopic('unknown')).toEqual([]);
      expect(service.search('gwarancja', 'pl', 1)[0]?.topic).toBe('guarantee');
    } finally {
      await service.close();
    }
  });

  it('refuses to start on an invalid knowledge base', async () => {
    const { dir, remove } = await copyShippedKnowledge();
    try {
      await writeFile(path.join(dir, 'faq', 'bad.yaml'), 'entries: []\n');
      await expect(createKnowledgeService({ dir })).rejects.toBeInstanceOf(KnowledgeLoadError);
    } finally {
      await remove();
    }
  });

  describe('reloading', () => {
    let dir: string;
    let remove: () => Promise<void>;
    let service: KnowledgeService | undefined;
    const errors: unknown[] = [];
    const reloads: KnowledgeSnapshot[] = [];

    beforeEach(async () => {
      ({ dir, remove } = await copyShippedKnowledge());
      errors.length = 0;
      reloads.length = 0;
    });
    afterEach(async () => {
      await service?.close();
      service = undefined;
      await remove();
    });

    it('re-indexes when a file is added or changed, without being asked', async () => {
      service = await createKnowledgeService({
        dir,
        watch: true,
        onError: (err) => errors.push(err),
        onReload: (snapshot) => reloads.push(snapshot),
      });
      const live = service;
      expect(live.search('sauna', 'pl')).toEqual([]);

      await writeFile(path.join(dir, 'faq', 'sauna.md'), NEW_FAQ);
      const found = await eventually(() => live.search('sauna', 'pl', 1)[0]?.id === 'faq-sauna');
      expect(found).toBe(true);
      expect(live.search('infrared sauna', 'en', 1)[0]?.question).toBe('Do you install a sauna in the bathroom?');
      expect(live.snapshot().version).toBeGreaterThan(1);
      expect(reloads.at(-1)?.version).toBe(live.snapshot().version);

      const pricesFile = path.join(dir, 'packages.yaml');
      await writeFile(pricesFile, (await readFile(pricesFile, 'utf8')).replace('min: 999, max: 999', 'min: 1049, max: 1049'));
      expect(await eventually(() => live.findPackage('express')?.pricePerM2.min === 1049)).toBe(true);
      expect(
        await eventually(() => (live.entriesByTopic('packages')[0]?.answer.pl ?? '').includes('1049 zł/m²')),
      ).toBe(true);
      expect(errors).toEqual([]);
    });

    it('keeps serving the last good snapshot when a change breaks a file, and recovers', async () => {
      service = await createKnowledgeService({ dir, watch: true, onError: (err) => errors.push(err) });
      const live = service;
      const before = live.snapshot();

      await writeFile(path.join(dir, 'faq', 'sauna.md'), NEW_FAQ.replace('## en', '## de'));
      expect(await eventually(() => errors.length > 0)).toBe(true);
      expect(errors[0]).toBeInstanceOf(KnowledgeLoadError);
      expect((errors[0] as KnowledgeLoadError).file).toBe('faq/sauna.md');
      expect(live.snapshot()).toBe(before);
      expect(live.search('gwarancja', 'pl', 1)[0]?.topic).toBe('guarantee');

      await writeFile(path.join(dir, 'faq', 'sauna.md'), NEW_FAQ);
      expect(await eventually(() => live.search('sauna', 'pl', 1)[0]?.id === 'faq-sauna')).toBe(true);
      expect(live.snapshot().version).toBe(before.version + 1);
    });

    it('reloads on request, counting versions and rejecting a broken base', async () => {
      service = await createKnowledgeService({ dir });
      await writeFile(path.join(dir, 'faq', 'sauna.md'), NEW_FAQ);
      expect(service.search('sauna', 'pl')).toEqual([]);
      await service.reload();
      expect(service.snapshot().version).toBe(2);
      expect(service.search('sauna', 'pl', 1)[0]?.id).toBe('faq-sauna');

      await rm(path.join(dir, 'business.yaml'));
      await expect(service.reload()).rejects.toThrow(/business\.yaml: is missing/);
      expect(service.snapshot().version).toBe(2);
      expect(service.search('sauna', 'pl', 1)[0]?.id).toBe('faq-sauna');
    });
  });

  it('reloads only for changes that can affect the knowledge base', () => {
    const relevant = ['business.yaml', 'packages.yaml', 'faq', 'topics', 'faq/new.md', 'topics/a.yaml', 'faq\\b.yml', '..data'];
    for (const change of relevant) expect(isRelevantChange(change), change).toBe(true);
    const ignored = [
      'widget.yaml',
      'dialogue',
      'dialogue/pl.yaml',
      'faq/notes.txt',
      'faq/.x.md.swp',
      'faq/_draft.md',
      'faq/x.md~',
      'faq/sub/x.md',
      'business.yaml~',
    ];
    for (const change of ignored) expect(isRelevantChange(change), change).toBe(false);
  });
});
