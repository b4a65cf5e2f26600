import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DialogueError, loadDialogue, parseDialogue, render } from './dialogue.js';

const DIR = fileURLToPath(new URL('../../../../knowledge/dialogue', import.meta.url));

async function raw(): Promise<{
  policy: unknown;
  locales: { pl: Record<string, unknown>; en: Record<string, unknown> };
}> {
  const read = async (file: string) =>
    parse(await readFile(join(DIR, file), 'utf8')) as Record<string, unknown>;
  return {
    policy: await read('policy.yaml'),
    locales: { pl: await read('pl.yaml'), en: await read('en.yaml') },
  };
}

describe('dialogue data', () => {
  it('loads the shipped Polish and English dialogue', async () => {
    const dialogue = await loadDialogue(DIR);
    expect(dialogue.policy.qualificationOrder[0]).toBe('areaM2');
    expect(dialogue.locales.pl.templates.quote).toContain('{amount}');
    expect(dialogue.locales.en.ask.consent).toBeTruthy();
  });

  it('rejects a missing template', async () => {
    const data = await raw();
    const templates = { ...(data.locales.en.templates as Record<string, unknown>) };
    delete templates.quote;
    data.locales.en = { ...data.locales.en, templates };
    expect(() => parseDialogue(data)).toThrow(DialogueError);
    expect(() => parseDialogue(data)).toThrow(/en: templates.quote/);
  });

  it('rejects an unknown placeholder and a name outside a named variant', async () => {
    const data = await raw();
    data.locales.pl = {
      ...data.locales.pl,
      templates: { ...(data.locales.pl.templates as object), ack: 'OK {amout}' },
    };
    expect(() => parseDialogue(data)).toThrow(/unknown placeholder \{amout\}/);
    const again = await raw();
    again.locales.pl = {
      ...again.locales.pl,
      templates: { ...(again.locales.pl.templates as object), ack: 'OK {name}' },
    };
    expect(() => parseDialogue(again)).toThrow(/only allowed in a "named" variant/);
  });

  it('rejects a policy that asks for contact details without consent', async () => {
    const data = await raw();
    data.policy = { ...(data.policy as object), qualificationOrder: ['areaM2', 'contact'] };
    expect(() => parseDialogue(data)).toThrow(/without asking for consent/);
  });

  it('reports a missing directory clearly', async () => {
    await expect(loadDialogue(join(DIR, 'missing'))).rejects.toThrow(/cannot read/);
  });

  it('renders the named variant only when a name is given', () => {
    const template = { plain: 'Dzień dobry!', named: 'Dzień dobry, {name}!' };
    expect(render(template, {})).toBe('Dzień dobry!');
    expect(render(template, { name: 'Panie Michale' })).toBe('Dzień dobry, Panie Michale!');
    expect(render('{amount} za {area}', { amount: '59 940 zł', area: '60 m²' })).toBe('59 940 zł za 60 m²');
  });
});
