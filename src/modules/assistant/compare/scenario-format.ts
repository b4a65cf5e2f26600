/**
 * The format of conversation scenarios (tests/scenarios/*.yaml, described in docs/scenarios.md) and the
 * loader that reads and validates them. A typo in a scenario file is an error naming the file and the path
 * inside it, never a silently ignored key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Questions the assistant can be waiting for an answer to (its pending question). */
export const QUESTIONS = [
  'areaM2',
  'packageId',
  'city',
  'firstName',
  'budgetPln',
  'consent',
  'contact',
  'marketing',
  'booking',
] as const;
export type Question = (typeof QUESTIONS)[number];

export const HANDOFF_REASONS = ['customer_request', 'misunderstanding', 'angry', 'high_value'] as const;
export const LANGUAGES = ['pl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const text = z.string().trim().min(1);
/** A phrase to look for in a reply. In a [a, b] list YAML splits at commas and reads 1199 as a number. */
const phrase = z
  .string({ error: "expected a text: quote it ('1199', 'PLN 1,499'), a list splits at commas" })
  .trim()
  .min(1);
const textList = z.array(phrase).min(1);
const positive = z.number().positive();

/** One of a few words, with an error message that lists them. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(', ')}` });
}
const amount = z.number().int().nonnegative();

const quoteExpectation = z
  .strictObject({
    package: text.optional(),
    areaM2: positive.optional(),
    amount: amount.optional(),
    min: amount.optional(),
    max: amount.optional(),
  })
  .refine((q) => q.amount === undefined || (q.min === undefined && q.max === undefined), {
    message: 'use either amount or min/max, not both',
  })
  .refine((q) => Object.keys(q).length > 0, { message: 'say what the quote must be, or use "none"' });

/** What the assistant has recorded about the customer; null means "not recorded". */
const recordedExpectation = z.strictObject({
  firstName: text.nullable().optional(),
  city: text.nullable().optional(),
  areaM2: positive.nullable().optional(),
  package: text.nullable().optional(),
  email: text.nullable().optional(),
  phone: text.nullable().optional(),
});

const leadExpectation = z.strictObject({
  firstName: text.nullable().optional(),
  email: text.nullable().optional(),
  phone: text.nullable().optional(),
  city: text.nullable().optional(),
  areaM2: positive.nullable().optional(),
  package: text.nullable().optional(),
  marketingConsent: z.boolean().optional(),
});

export const expectationSchema = z.strictObject({
  mentions: textList.optional(),
  doesNotMention: textList.optional(),
  vocative: phrase.optional(),
  asks: oneOf([...QUESTIONS, 'nothing']).optional(),
  doesNotAskAgain: z.array(oneOf(QUESTIONS)).min(1).optional(),
  quote: z
    .union([quoteExpectation, z.literal('none')], {
      error: 'expected none or { package, areaM2, amount } / { package, areaM2, min, max }',
    })
    .optional(),
  handoff: oneOf([...HANDOFF_REASONS, 'none']).optional(),
  language: oneOf(LANGUAGES).optional(),
  recorded: recordedExpectation.optional(),
  leadStored: z.boolean().optional(),
  lead: leadExpectation.optional(),
});
export type Expectation = z.infer<typeof expectationSchema>;

const turnSchema = z.strictObject({
  say: z.string().min(1),
  expect: expectationSchema.optional(),
});
export type ScenarioTurn = z.infer<typeof turnSchema>;

const scenarioSchema = z
  .strictObject({
    name: text,
    locale: oneOf(LANGUAGES).optional(),
    skip: text.optional(),
    runTwice: z.boolean().optional(),
    turns: z.array(turnSchema).min(1),
  })
  .superRefine((scenario, ctx) => {
    scenario.turns.forEach((turn, i) => {
      if (turn.expect?.lead && turn.expect.leadStored === false) {
        ctx.addIssue({
          code: 'custom',
          path: ['turns', i, 'expect', 'lead'],
          message: 'lead expectations need a stored lead; remove leadStored: false',
        });
      }
    });
  });
export type Scenario = z.infer<typeof scenarioSchema> & { file: string };

const scenarioFileSchema = z.strictObject({ scenarios: z.array(scenarioSchema).min(1) });

export class ScenarioFormatError extends Error {
  override name = 'ScenarioFormatError';
}

function issuePath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of parts) {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  }
  return out || '(file)';
}

/** Parses and validates the text of one scenario file; `file` names it in errors. */
export function parseScenarioFile(file: string, source: string): Scenario[] {
  let data: unknown;
  try {
    data = parseYaml(source, { uniqueKeys: true });
  } catch (err) {
    throw new ScenarioFormatError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = scenarioFileSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      return `  ${file}: ${issuePath(issue.path)}: ${issue.message}`;
    });
    throw new ScenarioFormatError(`invalid scenario file ${file}:\n${lines.join('\n')}`);
  }
  return parsed.data.scenarios.map((s) => ({ ...s, file }));
}

/** Every scenario of every *.yaml file in `dir`, file by file in name order; names must be unique. */
export function loadScenarios(dir: string): Scenario[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  if (files.length === 0) throw new ScenarioFormatError(`no scenario files in ${dir}`);
  const scenarios = files.flatMap((f) => parseScenarioFile(f, fs.readFileSync(path.join(dir, f), 'utf8')));
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    const other = seen.get(s.name);
    if (other) throw new ScenarioFormatError(`duplicate scenario name "${s.name}" in ${other} and ${s.file}`);
    seen.set(s.name, s.file);
  }
  return scenarios;
}
