/**
 * The engine's phrasing and policy, as data: `policy.yaml` (qualification order, high-value thresholds,
 * intent → knowledge topic) and one file per locale (`pl.yaml`, `en.yaml`) with reply templates and quick
 * replies. Loaded and validated once at startup; the engine only reads the result.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LOCALES, type Locale } from '../../knowledge/types.js';
import { QUALIFICATION_STEPS, type Intent } from './types.js';

/** A template: one text, or a plain text plus a variant used once the customer's name is known. */
export type Template = string | { plain: string; named: string };

export const TEMPLATE_KEYS = [
  'greeting',
  'greetingAgain',
  'greetingShort',
  'nameAck',
  'ack',
  'declined',
  'priceListIntro',
  'priceListLine',
  'packagePrice',
  'priceRange',
  'quote',
  'quoteAllIntro',
  'quoteAllLine',
  'quoteNote',
  'packageDetails',
  'packageDuration',
  'packageComparisonIntro',
  'packageComparisonLine',
  'topicFallback',
  'companyContact',
  'serviceAreaList',
  'cityServed',
  'cityNotServed',
  'booking',
  'consentYes',
  'consentNo',
  'leadSaved',
  'marketingYes',
  'marketingNo',
  'handoffCustomer',
  'handoffMisunderstanding',
  'handoffAngry',
  'highValue',
  'misunderstood',
  'outOfScope',
  'abuse',
  'privacyErase',
  'privacyExport',
  'privacyUnknown',
  'thanks',
  'goodbye',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const ASK_KEYS = [...QUALIFICATION_STEPS, 'marketing', 'booking'] as const;
export type AskKey = (typeof ASK_KEYS)[number];

export const SUGGESTION_KEYS = [
  'start',
  'area',
  'consent',
  'marketing',
  'booking',
  'afterQuote',
  'afterAnswer',
  'misunderstood',
] as const;
export type SuggestionKey = (typeof SUGGESTION_KEYS)[number];

/** Placeholders a template may use; anything else is a typo caught at load time. */
export const PLACEHOLDERS = [
  'name',
  'firstName',
  'business',
  'amount',
  'min',
  'max',
  'package',
  'price',
  'area',
  'summary',
  'includes',
  'list',
  'city',
  'cities',
  'phone',
  'email',
  'bookingUrl',
  'weeks',
] as const;

const INTENTS = [
  'greeting',
  'pricing',
  'quote',
  'package_details',
  'package_comparison',
  'timeline',
  'process',
  'guarantee',
  'financing',
  'payment',
  'materials',
  'service_area',
  'company_contact',
  'booking',
  'human_request',
  'contact_details',
  'details_given',
  'privacy_request',
  'thanks',
  'goodbye',
  'consent_yes',
  'consent_no',
  'complaint',
  'out_of_scope',
  'abuse',
  'faq',
  'unknown',
] as const satisfies readonly Intent[];

const templateSchema = z.union([
  z.string().min(1),
  z.object({ plain: z.string().min(1), named: z.string().min(1) }).strict(),
]);

function keyedObject<K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) {
  const shape = {} as Record<K, S>;
  for (const key of keys) shape[key] = schema;
  return z.object(shape).strict();
}

const localeDialogueSchema = z
  .object({
    locale: z.enum(LOCALES as [Locale, ...Locale[]]),
    templates: keyedObject(TEMPLATE_KEYS, templateSchema),
    ask: keyedObject(ASK_KEYS, templateSchema),
    suggestions: keyedObject(SUGGESTION_KEYS, z.array(z.string().min(1).max(60)).max(6)),
  })
  .strict();

const policySchema = z
  .object({
    defaultLocale: z.enum(LOCALES as [Locale, ...Locale[]]),
    qualificationOrder: z
      .array(z.enum(QUALIFICATION_STEPS as [string, ...string[]]))
      .min(1)
      .refine((steps) => new Set(steps).size === steps.length, 'qualificationOrder has a duplicate step')
      .refine(
        (steps) => !steps.includes('contact') || steps.includes('consent'),
        'qualificationOrder asks for contact details without asking for consent',
      ),
    highValue: z.object({ quoteMinPln: z.number().positive(), budgetMinPln: z.number().positive() }).strict(),
    misunderstandingsBeforeHandoff: z.number().int().min(1).max(10),
    searchMinScore: z.number().min(0),
    quoteAllPackagesWhenNoneChosen: z.boolean(),
    maxMessageChars: z.number().int().min(100).max(20_000),
    intentTopics: z.partialRecord(z.enum(INTENTS), z.string().min(1)),
  })
  .strict();

export type DialoguePolicy = Omit<z.infer<typeof policySchema>, 'qualificationOrder' | 'intentTopics'> & {
  qualificationOrder: (typeof QUALIFICATION_STEPS)[number][];
  intentTopics: Partial<Record<Intent, string>>;
};

export interface LocaleDialogue {
  locale: Locale;
  templates: Record<TemplateKey, Template>;
  ask: Record<AskKey, Template>;
  suggestions: Record<SuggestionKey, string[]>;
}

export interface Dialogue {
  policy: DialoguePolicy;
  locales: Record<Locale, LocaleDialogue>;
}

export class DialogueError extends Error {
  override readonly name = 'DialogueError';
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

function checkPlaceholders(where: string, template: Template): void {
  const texts = typeof template === 'string' ? [template] : [template.plain, template.named];
  for (const text of texts) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      const name = m[1] ?? '';
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        throw new DialogueError(`${where}: unknown placeholder {${name}}`);
      }
    }
  }
  if (typeof template === 'string' && template.includes('{name}')) {
    throw new DialogueError(`${where}: {name} is only allowed in a "named" variant`);
  }
  if (typeof template !== 'string' && template.plain.includes('{name}')) {
    throw new DialogueError(
      `${where}: the "plain" variant is used when the name is unknown and cannot use {name}`,
    );
  }
  if (typeof template !== 'string' && !template.named.includes('{name}')) {
    throw new DialogueError(`${where}: a "named" variant must use {name}`);
  }
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Validates already-parsed dialogue data. Throws DialogueError with every problem found. */
export function parseDialogue(raw: { policy: unknown; locales: Record<Locale, unknown> }): Dialogue {
  const policy = policySchema.safeParse(raw.policy);
  if (!policy.success) throw new DialogueError(`policy: ${formatIssues(policy.error)}`);
  const locales = {} as Record<Locale, LocaleDialogue>;
  for (const locale of LOCALES) {
    const parsed = localeDialogueSchema.safeParse(raw.locales[locale]);
    if (!parsed.success) throw new DialogueError(`${locale}: ${formatIssues(parsed.error)}`);
    if (parsed.data.locale !== locale)
      throw new DialogueError(`${locale}: the file declares locale ${parsed.data.locale}`);
    for (const [key, template] of Object.entries(parsed.data.templates)) {
      checkPlaceholders(`${locale}.templates.${key}`, template);
    }
    for (const [key, template] of Object.entries(parsed.data.ask))
      checkPlaceholders(`${locale}.ask.${key}`, template);
    locales[locale] = parsed.data as LocaleDialogue;
  }
  return { policy: policy.data as DialoguePolicy, locales };
}

async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DialogueError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw new DialogueError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
}

/** Loads `policy.yaml`, `pl.yaml` and `en.yaml` from a directory (e.g. `knowledge/dialogue`). */
export async function loadDialogue(dir: string): Promise<Dialogue> {
  const [policy, pl, en] = await Promise.all([
    readYaml(join(dir, 'policy.yaml')),
    readYaml(join(dir, 'pl.yaml')),
    readYaml(join(dir, 'en.yaml')),
  ]);
  return parseDialogue({ policy, locales: { pl, en } });
}

export type TemplateVars = Partial<Record<(typeof PLACEHOLDERS)[number], string | number>>;

/**
 * Fills a template. The "named" variant is used when `vars.name` (the form of address) is set. A placeholder
 * without a value is left out together with nothing else, so data errors show as visible gaps, not crashes.
 */
export function render(template: Template, vars: TemplateVars): string {
  const text = typeof template === 'string' ? template : vars.name ? template.named : template.plain;
  return text.replace(PLACEHOLDER, (_m, key: string) => {
    const value = vars[key as keyof TemplateVars];
    return value === undefined ? '' : String(value);
  });
}
