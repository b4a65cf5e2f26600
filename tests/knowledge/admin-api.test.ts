/**
 * The knowledge admin API against the real server and a private copy of the knowledge directory:
 * package and FAQ edits are written atomically, take effect at once (the chat finds a new FAQ entry),
 * bad edits change nothing, and the questions the assistant could not answer come back grouped.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShippedKnowledge } from '../../src/modules/knowledge/test-support.js';
import { groupQuestions } from '../../src/modules/knowledge-admin/unanswered.js';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { chat, startChat } from '../live/helpers.js';
import { setupAdmin, staffWithRole, type StaffClient } from '../security/staff-client.js';

interface Faq {
  id: string;
  tags: string[];
  question: { pl: string; en: string };
  answer: { pl: string; en: string };
  file: string | null;
  editable: boolean;
}
interface Pkg {
  id: string;
  pricePerM2: { min: number; max: number; currency: string };
  summary: { pl: string; en: string };
  source: { summary: { pl: string; en: string } } | null;
}
interface Group {
  id: string;
  count: number;
  conversations: number;
  locale: string;
  examples: string[];
  terms: string[];
}

async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const sub of ['', 'faq']) {
    for (const name of await readdir(path.join(dir, sub))) {
      if (!/\.(ya?ml|md)$/.test(name)) continue;
      out[path.join(sub, name)] = await readFile(path.join(dir, sub, name), 'utf8');
    }
  }
  return out;
}

describe('unanswered-question grouping', () => {
  it('groups by term overlap, deterministically, and masks contact details', () => {
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, m));
    const questions = [
      { sessionId: 's1', text: 'Czy robicie elewacje domów?', locale: 'pl' as const, askedAt: at(1) },
      { sessionId: 's2', text: 'czy robicie elewacje domu', locale: 'pl' as const, askedAt: at(2) },
      { sessionId: 's3', text: 'Czy sprzątacie po remoncie? jan@example.pl 600 100 200', locale: 'pl' as const, askedAt: at(3) },
      { sessionId: 's3', text: 'Robicie elewacje domów?', locale: 'pl' as const, askedAt: at(4) },
    ];
    const a = groupQuestions(questions);
    const b = groupQuestions([...questions].reverse());
    expect(a).toEqual(b);
    expect(a[0]!.count).toBe(3);
    expect(a[0]!.conversations).toBe(3);
    expect(a[0]!.examples[0]).toBe('Robicie elewacje domów?');
    expect(a).toHaveLength(2);
    const all = a.flatMap((g) => g.examples).join(' ');
    expect(all).not.toContain('jan@example.pl');
    expect(all).not.toContain('600 100 200');
  });
});

describe.each(databaseTargets())('knowledge admin API (%s)', (database) => {
  let server: TestServer;
  let admin: StaffClient;
  let operator: StaffClient;
  let viewer: StaffClient;
  let knowledge: { dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    knowledge = await copyShippedKnowledge();
    server = await startTestServer({ database, env: { KNOWLEDGE_DIR: knowledge.dir } });
    admin = await setupAdmin(server);
    operator = await staffWithRole(server, admin, 'operator');
    viewer = await staffWithRole(server, admin, 'viewer');
  });

  afterAll(async () => {
    await server?.close();
    await knowledge?.remove();
  });

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const body = await res.text();
    expect(res.status, body).toBe(status);
    return (body ? JSON.parse(body) : undefined) as T;
  };

  it('lists packages and FAQ entries; viewers may not', async () => {
    const { packages } = await json<{ packages: Pkg[] }>(await operator.call('GET', '/api/v1/admin/knowledge/packages'));
    expect(packages.map((p) => p.id)).toContain('express');
    expect(packages.find((p) => p.id === 'express')!.source).not.toBeNull();
    const { entries } = await json<{ entries: Faq[] }>(await operator.call('GET', '/api/v1/admin/knowledge/faq'));
    expect(entries.length).toBeGreaterThan(5);
    expect(entries.every((e) => e.editable === (e.file !== null))).toBe(true);
    expect((await viewer.call('GET', '/api/v1/admin/knowledge/faq')).status).toBe(403);
  });

  it('adds an FAQ entry that the chat finds at once; edits and deletes it', async () => {
    const before = await chat(server.url, 'Czy pracujecie z kotem w mieszkaniu klienta?');
    expect(before.reply?.text ?? '').not.toContain('Koty nam nie przeszkadzają');

    const created = await json<Faq>(
      await operator.call('POST', '/api/v1/admin/knowledge/faq', {
        body: {
          tags: ['kot', 'zwierzęta', 'pets'],
          question: { pl: 'Czy możecie pracować, gdy w mieszkaniu jest kot?', en: 'Can you work when there is a cat in the flat?' },
          answer: { pl: 'Tak. Koty nam nie przeszkadzają, prosimy tylko zamknąć je w jednym pokoju.', en: 'Yes. Cats do not bother us; please keep them in one room.' },
        },
      }),
      201,
    );
    expect(created.file).toBe('faq/panel.yaml');
    expect(created.id).toMatch(/^faq-can-you-work/);
    const file = await readFile(path.join(knowledge.dir, 'faq/panel.yaml'), 'utf8');
    expect(file).toContain(created.id);
    expect((await readdir(path.join(knowledge.dir, 'faq'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const after = await chat(server.url, 'Czy możecie pracować, gdy w mieszkaniu jest kot?');
    expect(after.reply?.text).toContain('Koty nam nie przeszkadzają');

    const updated = await json<Faq>(
      await operator.call('PUT', `/api/v1/admin/knowledge/faq/${created.id}`, {
        body: {
          tags: ['kot'],
          question: created.question,
          answer: { pl: 'Tak, zwierzęta domowe nie są problemem.', en: 'Yes, pets are not a problem.' },
        },
      }),
    );
    expect(updated.answer.pl).toBe('Tak, zwierzęta domowe nie są problemem.');
    const again = await chat(server.url, 'Czy możecie pracować, gdy w mieszkaniu jest kot?');
    expect(again.reply?.text).toContain('zwierzęta domowe nie są problemem');

    expect((await operator.call('DELETE', `/api/v1/admin/knowledge/faq/${created.id}`)).status).toBe(204);
    const { entries } = await json<{ entries: Faq[] }>(await operator.call('GET', '/api/v1/admin/knowledge/faq'));
    expect(entries.some((e) => e.id === created.id)).toBe(false);
  });

  it('changes a package price (admins only) and the assistant quotes it', async () => {
    const patch = { pricePerM2: { min: 1234, max: 1234 } };
    expect((await operator.call('PATCH', '/api/v1/admin/knowledge/packages/express', { body: patch })).status).toBe(403);
    const pkg = await json<Pkg>(await admin.call('PATCH', '/api/v1/admin/knowledge/packages/express', { body: patch }));
    expect(pkg.pricePerM2).toEqual({ min: 1234, max: 1234, currency: 'PLN' });
    const text = await readFile(path.join(knowledge.dir, 'packages.yaml'), 'utf8');
    expect(text).toMatch(/min: 1234/);
    expect(text).toContain('#'); // comments are kept
    const answer = await chat(server.url, 'Ile kosztuje pakiet Express?');
    expect(answer.reply?.text.replace(/\s/g, '')).toContain('1234');
  });

  it('refuses bad edits and changes nothing', async () => {
    const before = await snapshotDir(knowledge.dir);
    const version = async () =>
      ((await (await operator.call('GET', '/api/v1/admin/knowledge/faq')).json()) as { entries: Faq[] }).entries.length;
    const count = await version();
    const attempts: Array<[string, string, unknown, number]> = [
      ['PATCH', '/api/v1/admin/knowledge/packages/express', { pricePerM2: { min: 2000, max: 1000 } }, 400],
      ['PATCH', '/api/v1/admin/knowledge/packages/express', { summary: { pl: 'Cena {{package.nope.price}}', en: 'x' } }, 400],
      ['PATCH', '/api/v1/admin/knowledge/packages/nope', { pricePerM2: { min: 1, max: 2 } }, 404],
      ['PATCH', '/api/v1/admin/knowledge/packages/express', {}, 400],
      ['POST', '/api/v1/admin/knowledge/faq', { question: { pl: 'a', en: '' }, answer: { pl: 'b', en: 'c' } }, 400],
      ['POST', '/api/v1/admin/knowledge/faq', { id: 'express', question: { pl: 'a', en: 'b' }, answer: { pl: 'b', en: 'c' } }, 409],
      ['POST', '/api/v1/admin/knowledge/faq', { question: { pl: 'Pytanie', en: 'Question' }, answer: { pl: '{{business.nope}}', en: 'c' } }, 400],
      ['POST', '/api/v1/admin/knowledge/faq', { fromGroup: 'q000000000000', question: { pl: 'a', en: 'b' }, answer: { pl: 'b', en: 'c' } }, 404],
      ['PUT', '/api/v1/admin/knowledge/faq/nope', { question: { pl: 'a', en: 'b' }, answer: { pl: 'b', en: 'c' } }, 404],
      ['DELETE', '/api/v1/admin/knowledge/faq/nope', undefined, 404],
    ];
    for (const [method, url, body, status] of attempts) {
      const res = await admin.call(method, url, body === undefined ? {} : { body });
      expect(res.status, `${method} ${url} ${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(status);
    }
    expect(await snapshotDir(knowledge.dir)).toEqual(before);
    expect(await version()).toBe(count);
    const answer = await chat(server.url, 'Ile kosztuje pakiet Express?');
    expect(answer.reply?.text).not.toContain('{{');
  });

  it('groups the questions the assistant could not answer and turns a group into an FAQ entry', async () => {
    const asked = [
      'Czy naprawiacie rowery górskie?',
      'czy naprawiacie rowery gorskie',
      'Naprawiacie rowery górskie?',
    ];
    for (const text of asked) await startChat(server.url, text);
    const { groups } = await json<{ groups: Group[] }>(await operator.call('GET', '/api/v1/admin/knowledge/unanswered'));
    const group = groups.find((g) => g.examples.some((e) => /rower/i.test(e)));
    expect(group, JSON.stringify(groups)).toBeDefined();
    expect(group!.count).toBe(3);
    expect(group!.conversations).toBe(3);
    const second = await json<{ groups: Group[] }>(await operator.call('GET', '/api/v1/admin/knowledge/unanswered'));
    expect(second.groups).toEqual(groups);

    const created = await json<Faq>(
      await operator.call('POST', '/api/v1/admin/knowledge/faq', {
        body: {
          fromGroup: group!.id,
          question: { pl: 'Czy naprawiacie rowery górskie?', en: 'Do you repair mountain bikes?' },
          answer: { pl: 'Nie, rowerów nie naprawiamy — zajmujemy się wykończeniem wnętrz.', en: 'No, we only finish interiors.' },
        },
      }),
      201,
    );
    expect(created.tags.length).toBeGreaterThan(0);
    const answer = await chat(server.url, 'Naprawiacie rowery górskie?');
    expect(answer.reply?.text).toContain('rowerów nie naprawiamy');
  });
});
