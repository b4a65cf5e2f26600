/** Schemas of the knowledge base files (knowledge/README.md describes them for authors). */

import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');

/** Ids appear in URLs, logs and tool calls: lower-case letters, digits, "-" and "_". */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must use only lower-case letters, digits, "-" and "_"');

export const topicSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must use only lower-case letters, digits and "_", starting with a letter');

const localizedText = z.strictObject({ pl: text, en: text });
const localizedList = z.strictObject({ pl: z.array(text).min(1), en: z.array(text).min(1) });
const tags = z.array(text).default([]);

const range = (label: string) =>
  z
    .strictObject({ min: z.number().positive(), max: z.number().positive() })
    .refine((r) => r.min <= r.max, { message: `${label}: min must not be greater than max`, path: ['max'] });

const hours = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must look like "08:00-18:00"')
  .refine((value) => {
    const [open = '', close = ''] = value.split('-');
    return open < close;
  }, 'closing time must be after opening time');

const timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'is not a known IANA time zone (e.g. "Europe/Warsaw")');

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "PLN"');

export const businessFileSchema = z.strictObject({
  name: text,
  legalName: text.optional(),
  phone: z.string().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number such as "+48 22 000 12 34"'),
  email: z.email('must be an e-mail address'),
  address: text.optional(),
  website: z.url('must be a URL').optional(),
  bookingUrl: z.url('must be a URL'),
  hours: z.strictObject({
    '1': hours.optional(),
    '2': hours.optional(),
    '3': hours.optional(),
    '4': hours.optional(),
    '5': hours.optional(),
    '6': hours.optional(),
    '7': hours.optional(),
  }),
  timezone,
  serviceArea: z.array(text).min(1, 'must list at least one city'),
  currency,
});

export const packageSchema = z.strictObject({
  id: idSchema,
  name: text,
  aliases: z.array(text).default([]),
  pricePerM2: z
    .strictObject({ min: z.number().positive(), max: z.number().positive(), currency })
    .refine((p) => p.min <= p.max, { message: 'min must not be greater than max', path: ['max'] }),
  summary: localizedText,
  includes: localizedList,
  durationWeeks: range('durationWeeks').optional(),
});

export const packagesFileSchema = z.strictObject({ packages: z.array(packageSchema) });

/** One entry in a YAML file under topics/ or faq/. */
export const yamlEntrySchema = z.strictObject({
  id: idSchema,
  topic: topicSchema.optional(),
  tags,
  question: localizedText,
  answer: localizedText,
});

export const entriesFileSchema = z.strictObject({ entries: z.array(yamlEntrySchema).min(1) });

/** The YAML front matter of a Markdown entry; the answers are the "## pl" and "## en" sections. */
export const frontMatterSchema = z.strictObject({
  id: idSchema,
  topic: topicSchema.optional(),
  tags,
  question_pl: text,
  question_en: text,
});
