/** The widget's appearance and greeting, read from the knowledge directory (data, not code). */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Locale } from '../../lang/locale.js';

const color = z.string().regex(/^#[0-9a-fA-F]{3,8}$/, 'must be a hex colour such as #1f5f4a');

const localized = z.strictObject({
  title: z.string().min(1).max(80),
  greeting: z.string().min(1).max(500),
  /** Generated from the privacy configuration when absent (the usual case). */
  consentNotice: z.string().min(1).max(600).optional(),
  suggestions: z.array(z.string().min(1).max(80)).max(6).default([]),
});

export const widgetSettingsSchema = z.strictObject({
  colors: z.strictObject({ primary: color, onPrimary: color, background: color, text: color }),
  position: z.enum(['right', 'left']).default('right'),
  privacyPolicyUrl: z.string().min(1).default('/privacy'),
  pl: localized,
  en: localized,
});

export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

export interface WidgetConfigResponse {
  locale: Locale;
  title: string;
  greeting: string;
  colors: WidgetSettings['colors'];
  position: 'right' | 'left';
  privacyPolicyUrl: string;
  consentNotice: string;
  suggestions: string[];
}

export function loadWidgetSettings(knowledgeDir: string): WidgetSettings {
  const file = path.join(knowledgeDir, 'widget.yaml');
  const parsed = widgetSettingsSchema.safeParse(parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file}: ${problems}`);
  }
  return parsed.data;
}

/** The widget configuration for one language. A relative privacyPolicyUrl is relative to Frontdesk's URL. */
export function widgetConfigFor(settings: WidgetSettings, locale: Locale): WidgetConfigResponse {
  const text = settings[locale];
  return {
    locale,
    title: text.title,
    greeting: text.greeting,
    colors: settings.colors,
    position: settings.position,
    privacyPolicyUrl: settings.privacyPolicyUrl,
    consentNotice: text.consentNotice ?? '',
    suggestions: text.suggestions,
  };
}
