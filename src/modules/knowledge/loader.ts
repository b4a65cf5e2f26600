/**
 * Reads and validates a knowledge directory (format: knowledge/README.md) into a KnowledgeSnapshot.
 *
 *   business.yaml      the business profile (required)
 *   packages.yaml      priced packages (optional)
 *   topics/*.md|yaml   topic pages; every entry names its topic
 *   faq/*.md|yaml      questions and answers; the topic defaults to "faq"
 *
 * Every problem in every file is collected and reported together in one KnowledgeLoadError, each naming
 * the file (relative to the directory) and the field.
 */

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../http/errors.js';
import { renderText } from './render.js';
import {
  businessFileSchema,
  entriesFileSchema,
  frontMatterSchema,
  packagesFileSchema,
} from './schema.js';
import type { BusinessProfile, KnowledgeEntry, KnowledgeSnapshot, Locale, Package } from './types.js';
import { LOCALES } from './types.js';

export interface KnowledgeProblem {
  /** Path of the file relative to the knowledge directory, with "/" separators. */
  file: string;
  /** The field, as a path such as "entries[3].answer.en"; absent when the whole file is at fault. */
  field?: string;
  message: string;
}

/** The knowledge directory cannot be loaded; `problems` lists every fault found. */
export class KnowledgeLoadError extends AppError {
  readonly problems: KnowledgeProblem[];
  readonly file: string;
  readonly field: string | undefined;

  constructor(problems: KnowledgeProblem[]) {
    const shown = problems.slice(0, 10).map(describeProblem);
    const more = problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : '';
    super(
      'knowledge_invalid',
      422,
      `The knowledge base is not valid:\n${shown.map((line) => `- ${line}`).join('\n')}${more}`,
      problems,
    );
    this.problems = problems;
    this.file = problems[0]?.file ?? '';
    this.field = problems[0]?.field;
  }
}

export function describeProblem(problem: KnowledgeProblem): string {
  return problem.field
    ? `${problem.file}: ${problem.field}: ${problem.message}`
    : `${problem.file}: ${problem.message}`;
}

export const BUSINESS_FILE = 'business.yaml';
export const PACKAGES_FILE = 'packages.yaml';
export const ENTRY_DIRS = ['topics', 'faq'] as const;
type EntryDir = (typeof ENTRY_DIRS)[number];

/** Entry files: Markdown (one entry) or YAML (a list). Hidden, "_"-prefixed and backup files are skipped. */
export function isEntryFileName(name: string): boolean {
  return /\.(md|ya?ml)$/i.test(name) && !name.startsWith('.') && !name.startsWith('_');
}

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** A raw entry before placeholders are filled, with where it came from. */
interface RawEntry {
  entry: KnowledgeEntry;
  file: string;
  /** Field path prefix inside the file ("entries[2]" for YAML lists, "" for Markdown). */
  at: string;
}

class Collector {
  readonly problems: KnowledgeProblem[] = [];

  add(file: string, message: string, field?: string): void {
    this.problems.push(field ? { file, field, message } : { file, message });
  }

  /** Validates `data`; on failure records one problem per issue and returns undefined. */
  check<S extends z.ZodType>(schema: S, data: unknown, file: string, prefix = ''): z.output<S> | undefined {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const rel = formatPath(issue.path);
      const field = prefix && rel ? (rel.startsWith('[') ? prefix + rel : `${prefix}.${rel}`) : prefix || rel;
      this.add(file, issue.message, field || undefined);
    }
    return undefined;
  }
}

async function readText(dir: string, file: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, file), 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseYamlText(source: string, file: string, problems: Collector): unknown {
  try {
    return parseYaml(source, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    problems.add(file, `is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const SECTION = /^##[ \t]+(\S+)[ \t]*$/gm;

function parseMarkdownEntry(source: string, file: string, dir: EntryDir, problems: Collector): RawEntry[] {
  const match = FRONT_MATTER.exec(source);
  if (!match) {
    problems.add(file, 'must start with a YAML front matter block between two "---" lines');
    return [];
  }
  const frontData = parseYamlText(match[1] ?? '', file, problems);
  const front = frontData === undefined ? undefined : problems.check(frontMatterSchema, frontData ?? {}, file);
  const body = source.slice(match[0].length);

  const answers: Partial<Record<Locale, string>> = {};
  const headings = [...body.matchAll(SECTION)];
  const preamble = body.slice(0, headings[0]?.index ?? body.length).trim();
  if (preamble) problems.add(file, 'text before the first "## pl" / "## en" heading', 'body');
  headings.forEach((heading, i) => {
    const locale = (heading[1] ?? '').toLowerCase();
    const start = (heading.index ?? 0) + heading[0].length;
    const end = headings[i + 1]?.index ?? body.length;
    if (!(LOCALES as readonly string[]).includes(locale)) {
      problems.add(file, `unknown section "## ${heading[1]}" (expected "## pl" and "## en")`, 'body');
      return;
    }
    if (answers[locale as Locale] !== undefined) {
      problems.add(file, `the "## ${locale}" section appears twice`, 'body');
      return;
    }
    answers[locale as Locale] = body.slice(start, end).trim();
  });
  for (const locale of LOCALES) {
    if (!answers[locale]) problems.add(file, `missing or empty "## ${locale}" section`, `answer.${locale}`);
  }
  if (!front || !answers.pl || !answers.en) return [];
  const topic = front.topic ?? (dir === 'faq' ? 'faq' : undefined);
  if (!topic) {
    problems.add(file, 'is required for entries under topics/', 'topic');
    return [];
  }
  return [
    {
      file,
      at: '',
      entry: {
        id: front.id,
        topic,
        tags: front.tags,
        question: { pl: front.question_pl, en: front.question_en },
        answer: { pl: answers.pl, en: answers.en },
      },
    },
  ];
}

function parseYamlEntries(source: string, file: string, dir: EntryDir, problems: Collector): RawEntry[] {
  const data = parseYamlText(source, file, problems);
  if (data === undefined) return [];
  const parsed = problems.check(entriesFileSchema, data, file);
  if (!parsed) return [];
  const out: RawEntry[] = [];
  parsed.entries.forEach((item, i) => {
    const topic = item.topic ?? (dir === 'faq' ? 'faq' : undefined);
    if (!topic) {
      problems.add(file, 'is required for entries under topics/', `entries[${i}].topic`);
      return;
    }
    out.push({
      file,
      at: `entries[${i}]`,
      entry: { id: item.id, topic, tags: item.tags, question: item.question, answer: item.answer },
    });
  });
  return out;
}

async function readEntryDir(root: string, dir: EntryDir, problems: Collector): Promise<RawEntry[]> {
  let names: string[];
  try {
    names = (await readdir(path.join(root, dir), { withFileTypes: true }))
      .filter((d) => d.isFile() && isEntryFileName(d.name))
      .map((d) => d.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: RawEntry[] = [];
  for (const name of names) {
    const file = `${dir}/${name}`;
    const source = (await readText(root, file)) ?? '';
    out.push(
      ...(/\.md$/i.test(name)
        ? parseMarkdownEntry(source, file, dir, problems)
        : parseYamlEntries(source, file, dir, problems)),
    );
  }
  return out;
}

function fill(
  text: string,
  locale: Locale,
  business: BusinessProfile,
  packages: ReadonlyMap<string, Package>,
  problems: Collector,
  file: string,
  field: string,
): string {
  const { text: filled, unknown } = renderText(text, locale, business, packages);
  for (const placeholder of unknown) problems.add(file, `unknown placeholder ${placeholder}`, field);
  return filled;
}

/**
 * Loads the knowledge directory. Throws KnowledgeLoadError when any file is invalid; other I/O errors
 * (permissions, a missing directory) are thrown as they are.
 */
export async function loadKnowledge(dir: string, version = 1): Promise<KnowledgeSnapshot> {
  const problems = new Collector();

  const businessSource = await readText(dir, BUSINESS_FILE);
  if (businessSource === undefined) {
    const stats = await readdir(dir).catch((err: NodeJS.ErrnoException) => err);
    if (stats instanceof Error) throw stats;
    problems.add(BUSINESS_FILE, 'is missing');
  }
  const businessData = businessSource === undefined ? undefined : parseYamlText(businessSource, BUSINESS_FILE, problems);
  const business: BusinessProfile | undefined =
    businessData === undefined ? undefined : problems.check(businessFileSchema, businessData, BUSINESS_FILE);

  const packagesSource = await readText(dir, PACKAGES_FILE);
  const packagesData =
    packagesSource === undefined ? { packages: [] } : parseYamlText(packagesSource, PACKAGES_FILE, problems);
  const packagesFile =
    packagesData === undefined ? undefined : problems.check(packagesFileSchema, packagesData ?? {}, PACKAGES_FILE);
  const packageList: Package[] = packagesFile?.packages ?? [];

  const raw: RawEntry[] = [];
  for (const entryDir of ENTRY_DIRS) raw.push(...(await readEntryDir(dir, entryDir, problems)));

  // Ids are unique across packages and entries: search hits and tool calls refer to both by id.
  const seen = new Map<string, string>();
  packageList.forEach((pkg, i) => {
    const earlier = seen.get(pkg.id);
    if (earlier) problems.add(PACKAGES_FILE, `duplicate id "${pkg.id}" (also in ${earlier})`, `packages[${i}].id`);
    else seen.set(pkg.id, PACKAGES_FILE);
  });
  for (const { entry, file, at } of raw) {
    const earlier = seen.get(entry.id);
    if (earlier) problems.add(file, `duplicate id "${entry.id}" (also in ${earlier})`, [at, 'id'].filter(Boolean).join('.'));
    else seen.set(entry.id, file);
  }

  // Placeholders are filled only from a valid profile and package list, so that one fault in those
  // files is not echoed as an unknown placeholder in every text that uses them.
  if (business && packagesFile) {
    const byId = new Map(packageList.map((p) => [p.id, p]));
    const packages = packageList.map((pkg, i): Package => {
      const at = `packages[${i}]`;
      const one = (locale: Locale, value: string, field: string) =>
        fill(value, locale, business, byId, problems, PACKAGES_FILE, `${at}.${field}`);
      return {
        ...pkg,
        summary: { pl: one('pl', pkg.summary.pl, 'summary.pl'), en: one('en', pkg.summary.en, 'summary.en') },
        includes: {
          pl: pkg.includes.pl.map((item, j) => one('pl', item, `includes.pl[${j}]`)),
          en: pkg.includes.en.map((item, j) => one('en', item, `includes.en[${j}]`)),
        },
      };
    });
    const entries = raw.map(({ entry, file, at }): KnowledgeEntry => {
      const one = (locale: Locale, value: string, field: string) =>
        fill(value, locale, business, byId, problems, file, [at, field].filter(Boolean).join('.'));
      return {
        ...entry,
        question: {
          pl: one('pl', entry.question.pl, 'question.pl'),
          en: one('en', entry.question.en, 'question.en'),
        },
        answer: { pl: one('pl', entry.answer.pl, 'answer.pl'), en: one('en', entry.answer.en, 'answer.en') },
      };
    });
    if (problems.problems.length === 0) return { business, packages, entries, version };
  }
  throw new KnowledgeLoadError(problems.problems);
}
