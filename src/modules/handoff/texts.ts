/** The texts of live conversations (knowledge/live.yaml): nudge, handoff status, business hours. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Locale } from '../knowledge/types.js';

const localeTexts = z.object({
  nudge: z.string().min(1),
  handoffWaiting: z.string().min(1),
  handoffClaimed: z.string().min(1),
  handoffReleased: z.string().min(1),
  sessionEnded: z.string().min(1),
  outsideHours: z.string().min(1),
  today: z.string().min(1),
  tomorrow: z.string().min(1),
  weekday: z.string().min(1),
  days: z.array(z.string().min(1)).length(7),
});

const liveTexts = z.object({ pl: localeTexts, en: localeTexts });

export type LiveTexts = z.infer<typeof liveTexts>;
export type LocaleTexts = z.infer<typeof localeTexts>;

export const LIVE_TEXTS_FILE = 'live.yaml';

export function loadLiveTexts(knowledgeDir: string): LiveTexts {
  const file = path.join(knowledgeDir, LIVE_TEXTS_FILE);
  const parsed = liveTexts.safeParse(parseYaml(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file} is not valid: ${problems}`);
  }
  return parsed.data;
}

export function textsFor(texts: LiveTexts, locale: string): LocaleTexts {
  return locale === 'en' ? texts.en : texts.pl;
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

export type { Locale };
