/**
 * The assistant's instructions as data: knowledge/prompts/<locale>.md with {{placeholders}} for
 * business facts, and the guards' safe replies in knowledge/prompts/guard-replies.yaml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatMoney } from '../../../lang/numbers.js';
import { LOCALES, type KnowledgeSnapshot, type Locale } from '../../knowledge/types.js';

const safeRepliesSchema = z.strictObject({
  input: z.string().trim().min(1),
  output: z.string().trim().min(1),
  canary: z.string().trim().includes('{value}'),
});

export type SafeReplies = z.infer<typeof safeRepliesSchema>;

export interface AssistantPrompts {
  /** System prompt templates per locale, with {{placeholders}}. */
  system: Record<Locale, string>;
  safeReplies: Record<Locale, SafeReplies>;
}

export class PromptFileError extends Error {
  override name = 'PromptFileError';
}

/** Reads knowledge/prompts; a missing or invalid file is an error naming it. */
export function loadPrompts(knowledgeDir: string): AssistantPrompts {
  const dir = path.join(knowledgeDir, 'prompts');
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(dir, file), 'utf8');
    } catch {
      throw new PromptFileError(`${path.join(dir, file)} is missing`);
    }
  };
  const system = {} as Record<Locale, string>;
  for (const locale of LOCALES) system[locale] = read(`${locale}.md`).trim();
  const raw: unknown = parseYaml(read('guard-replies.yaml'));
  const parsed = z.record(z.enum(LOCALES as [Locale, ...Locale[]]), safeRepliesSchema).safeParse(raw);
  if (!parsed.success) {
    throw new PromptFileError(
      `guard-replies.yaml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const safeReplies = {} as Record<Locale, SafeReplies>;
  for (const locale of LOCALES) {
    const replies = parsed.data[locale];
    if (!replies) throw new PromptFileError(`guard-replies.yaml: ${locale} is missing`);
    safeReplies[locale] = replies;
  }
  return { system, safeReplies };
}

const WEEKDAYS: Record<Locale, string[]> = {
  pl: ['pon.', 'wt.', 'śr.', 'czw.', 'pt.', 'sob.', 'niedz.'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

/** Opening hours in one line ("pon.–pt. 08:00-18:00, sob. 09:00-14:00"). */
export function hoursText(snapshot: KnowledgeSnapshot, locale: Locale): string {
  const days = WEEKDAYS[locale];
  const parts: string[] = [];
  let i = 0;
  while (i < 7) {
    const hours = snapshot.business.hours[String(i + 1) as '1'];
    if (!hours) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && snapshot.business.hours[String(j + 2) as '1'] === hours) j++;
    parts.push(`${days[i]}${j > i ? `–${days[j]}` : ''} ${hours}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The system prompt for a locale with the business facts filled in. */
export function renderSystemPrompt(
  template: string,
  snapshot: KnowledgeSnapshot,
  locale: Locale,
  canaryLine: string,
): string {
  const b = snapshot.business;
  const packages = snapshot.packages
    .map((pkg) => {
      const { min, max, currency } = pkg.pricePerM2;
      const price =
        min === max
          ? formatMoney(min, locale, currency)
          : `${formatMoney(min, locale, currency)}–${formatMoney(max, locale, currency)}`;
      return `- ${pkg.name} (id ${pkg.id}): ${price}; ${pkg.summary[locale]}`;
    })
    .join('\n');
  const values: Record<string, string> = {
    'business.name': b.name,
    'business.phone': b.phone,
    'business.email': b.email,
    'business.address': b.address ?? '',
    'business.website': b.website ?? '',
    'business.bookingUrl': b.bookingUrl,
    'business.hours': hoursText(snapshot, locale),
    'business.serviceArea': b.serviceArea.join(', '),
    packages,
    canary: canaryLine,
  };
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (all, key: string) => values[key] ?? all).trim();
}
