/**
 * The knowledge base as the admin panel edits it: package prices and texts in packages.yaml, FAQ
 * entries in the YAML files under faq/ (new ones in faq/panel.yaml), and the customer questions the
 * assistant could not answer, grouped.
 *
 * Every edit is checked with the loader's own schemas before anything is written; then the file is
 * replaced atomically and the knowledge service reloads, so the assistant answers from the new version
 * at once. Should the reloaded base still be invalid (a placeholder that does not resolve, an id used
 * elsewhere), the file is put back as it was and the edit is refused: a bad edit changes nothing.
 * Edits run one at a time.
 */
import { isMap, isSeq } from 'yaml';
import type { z } from 'zod';
import { BadRequestError, ConflictError, NotFoundError } from '../../http/errors.js';
import { matchForm } from '../../lang/text.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import {
  describeProblem,
  KnowledgeLoadError,
  PACKAGES_FILE,
  type KnowledgeProblem,
} from '../knowledge/loader.js';
import { entriesFileSchema, idSchema, packagesFileSchema } from '../knowledge/schema.js';
import type { KnowledgeService } from '../knowledge/service.js';
import type { KnowledgeEntry, Locale, Localized, Package } from '../knowledge/types.js';
import {
  locateFaqEntries,
  PANEL_FAQ_FILE,
  readKnowledgeFile,
  readPackagesFile,
  restoreFile,
  writeAtomically,
  type LoadedFile,
} from './files.js';
import { groupQuestions, type QuestionGroup, type UnansweredQuestion } from './unanswered.js';

/** How far back the unanswered questions are read, and at most how many. */
export const UNANSWERED_WINDOW_DAYS = 180;
const UNANSWERED_MAX_ROWS = 5000;
/** Assistant reply intents that mean "I could not answer" (a FAQ question without a search hit is recorded as unknown). */
export const UNANSWERED_INTENTS = ['unknown', 'out_of_scope'] as const;

export interface PackageView extends Package {
  /** The texts as written in packages.yaml (with placeholders), for editing. */
  source: { summary: Localized; includes: Localized<string[]> } | null;
}

export interface FaqView extends KnowledgeEntry {
  /** The YAML file under faq/ that holds it, or null for Markdown entries (edited as files). */
  file: string | null;
  editable: boolean;
  /** The texts as written in the file (with placeholders), for editing. */
  source: { question: Localized; answer: Localized } | null;
}

export interface UnansweredGroupView extends QuestionGroup {
  /** The entry the knowledge search finds for the group's latest question today, if any. */
  closest: { id: string; question: string; score: number } | null;
}

export interface PackagePatch {
  pricePerM2?: { min: number; max: number };
  summary?: Localized;
  includes?: Localized<string[]>;
}

export interface FaqInput {
  id?: string;
  tags?: string[];
  question: Localized;
  answer: Localized;
  /** An unanswered-questions group this entry answers; its key words are added to the tags. */
  fromGroup?: string;
}

export interface KnowledgeAdminService {
  packages(): Promise<PackageView[]>;
  faq(): Promise<FaqView[]>;
  updatePackage(id: string, patch: PackagePatch): Promise<PackageView>;
  createFaq(input: FaqInput): Promise<FaqView>;
  updateFaq(id: string, input: Omit<FaqInput, 'id' | 'fromGroup'>): Promise<FaqView>;
  deleteFaq(id: string): Promise<void>;
  unanswered(): Promise<UnansweredGroupView[]>;
}

export interface KnowledgeAdminDeps {
  dir: string;
  knowledge: KnowledgeService;
  db: Database;
  logger: Logger;
}

function invalid(problems: KnowledgeProblem[]): BadRequestError {
  const shown = problems.slice(0, 5).map(describeProblem).join('; ');
  return new BadRequestError(
    `The change would make the knowledge base invalid: ${shown}`,
    'knowledge_invalid',
    {
      problems,
    },
  );
}

function check<S extends z.ZodType>(schema: S, data: unknown, file: string): void {
  const result = schema.safeParse(data);
  if (result.success) return;
  throw invalid(
    result.error.issues.map((issue) => ({
      file,
      field: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.') || undefined,
      message: issue.message,
    })) as KnowledgeProblem[],
  );
}

const slug = (text: string) =>
  matchForm(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');

export function createKnowledgeAdminService(deps: KnowledgeAdminDeps): KnowledgeAdminService {
  const { dir, knowledge, db, logger } = deps;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs edits one after another. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** Writes the edited document (already validated), reloads, and undoes the write if the reload fails. */
  const commit = async (loaded: LoadedFile, text: string | null): Promise<void> => {
    if (text === null) await restoreFile(dir, { ...loaded, source: undefined });
    else await writeAtomically(dir, loaded.file, text);
    try {
      await knowledge.reload();
    } catch (err) {
      await restoreFile(dir, loaded);
      await knowledge
        .reload()
        .catch((again: unknown) =>
          logger.error({ err: again }, 'knowledge base reload after undoing a panel edit failed'),
        );
      if (err instanceof KnowledgeLoadError) throw invalid(err.problems);
      throw err;
    }
  };

  const usedIds = () => {
    const snap = knowledge.snapshot();
    return new Set([...snap.packages.map((p) => p.id), ...snap.entries.map((e) => e.id)]);
  };

  async function packages(): Promise<PackageView[]> {
    const { doc } = await readPackagesFile(dir);
    const raw = new Map<string, { summary: Localized; includes: Localized<string[]> }>();
    const data = doc.toJS() as { packages?: Array<Record<string, unknown>> } | null;
    for (const item of data?.packages ?? []) {
      if (typeof item['id'] === 'string') {
        raw.set(item['id'], {
          summary: item['summary'] as Localized,
          includes: item['includes'] as Localized<string[]>,
        });
      }
    }
    return knowledge.snapshot().packages.map((p) => ({ ...p, source: raw.get(p.id) ?? null }));
  }

  async function faq(): Promise<FaqView[]> {
    const where = await locateFaqEntries(dir);
    const sources = new Map<string, { question: Localized; answer: Localized }>();
    const files = new Map<string, unknown>();
    for (const [id, at] of where) {
      if (!files.has(at.file)) files.set(at.file, (await readKnowledgeFile(dir, at.file)).doc.toJS());
      const entry = (files.get(at.file) as { entries?: Array<Record<string, unknown>> }).entries?.[at.index];
      if (entry)
        sources.set(id, { question: entry['question'] as Localized, answer: entry['answer'] as Localized });
    }
    return knowledge
      .snapshot()
      .entries.filter((e) => e.topic === 'faq' || where.has(e.id))
      .map((e) => {
        const at = where.get(e.id);
        return {
          ...e,
          file: at?.file ?? null,
          editable: at !== undefined,
          source: sources.get(e.id) ?? null,
        };
      });
  }

  async function faqView(id: string): Promise<FaqView> {
    const found = (await faq()).find((e) => e.id === id);
    if (!found) throw new NotFoundError('No FAQ entry has this id.');
    return found;
  }

  async function questions(): Promise<UnansweredQuestion[]> {
    const rows = await db.query<{
      session_id: string;
      text: string;
      locale: string;
      asked_at: Date | string;
    }>(
      `WITH m AS (
         SELECT m.session_id, m.role, m.meta, m.created_at, s.locale,
                lag(m.role) OVER w AS prev_role,
                lag(m.text) OVER w AS prev_text,
                lag(m.created_at) OVER w AS prev_at
           FROM chat_messages m
           JOIN chat_sessions s ON s.id = m.session_id
          WHERE m.created_at >= now() - make_interval(days => $1::int)
            AND s.deleted_at IS NULL AND s.anonymized_at IS NULL
         WINDOW w AS (PARTITION BY m.session_id ORDER BY m.created_at, m.id)
       )
       SELECT session_id, prev_text AS text, locale, prev_at AS asked_at
         FROM m
        WHERE role = 'assistant' AND prev_role = 'user' AND meta->>'intent' = ANY($2::text[])
        ORDER BY prev_at, session_id
        LIMIT $3`,
      [UNANSWERED_WINDOW_DAYS, UNANSWERED_INTENTS, UNANSWERED_MAX_ROWS],
    );
    return rows.map((r) => ({
      sessionId: r.session_id,
      text: r.text,
      locale: r.locale === 'en' ? 'en' : 'pl',
      askedAt: r.asked_at instanceof Date ? r.asked_at : new Date(r.asked_at),
    }));
  }

  async function unanswered(): Promise<UnansweredGroupView[]> {
    const groups = groupQuestions(await questions());
    return groups.map((g) => {
      const hit = g.examples[0] ? knowledge.search(g.examples[0], g.locale as Locale, 1)[0] : undefined;
      return {
        ...g,
        closest: hit
          ? { id: hit.id, question: hit.question, score: Math.round(hit.score * 100) / 100 }
          : null,
      };
    });
  }

  async function updatePackage(id: string, patch: PackagePatch): Promise<PackageView> {
    await serial(async () => {
      const loaded = await readPackagesFile(dir);
      const list = loaded.doc.get('packages');
      const index = isSeq(list) ? list.items.findIndex((item) => isMap(item) && item.get('id') === id) : -1;
      if (index < 0) throw new NotFoundError('No package has this id.');
      const doc = loaded.doc;
      if (patch.pricePerM2) {
        doc.setIn(['packages', index, 'pricePerM2', 'min'], patch.pricePerM2.min);
        doc.setIn(['packages', index, 'pricePerM2', 'max'], patch.pricePerM2.max);
      }
      if (patch.summary) {
        doc.setIn(['packages', index, 'summary', 'pl'], patch.summary.pl);
        doc.setIn(['packages', index, 'summary', 'en'], patch.summary.en);
      }
      if (patch.includes) {
        doc.setIn(['packages', index, 'includes', 'pl'], doc.createNode(patch.includes.pl));
        doc.setIn(['packages', index, 'includes', 'en'], doc.createNode(patch.includes.en));
      }
      check(packagesFileSchema, doc.toJS(), PACKAGES_FILE);
      await commit(loaded, doc.toString());
    });
    const view = (await packages()).find((p) => p.id === id);
    if (!view) throw new NotFoundError('No package has this id.');
    return view;
  }

  async function groupTags(groupId: string): Promise<string[]> {
    const group = (await unanswered()).find((g) => g.id === groupId);
    if (!group)
      throw new NotFoundError('No unanswered-questions group has this id (the list may have changed).');
    return group.terms.filter((t) => t.length >= 3 && !/^\d+$/.test(t)).slice(0, 8);
  }

  async function createFaq(input: FaqInput): Promise<FaqView> {
    const extraTags = input.fromGroup ? await groupTags(input.fromGroup) : [];
    const id = await serial(async () => {
      const used = usedIds();
      let id = input.id;
      if (id !== undefined) {
        if (!idSchema.safeParse(id).success) {
          throw new BadRequestError(
            'The id must use only lower-case letters, digits, "-" and "_".',
            'invalid_id',
          );
        }
        if (used.has(id))
          throw new ConflictError('This id is already used by another entry or package.', 'id_taken');
      } else {
        const base = `faq-${slug(input.question.en) || slug(input.question.pl) || 'entry'}`;
        id = base;
        for (let n = 2; used.has(id); n += 1) id = `${base}-${n}`;
      }
      const tags = [...new Set([...(input.tags ?? []), ...extraTags])];
      const loaded = await readKnowledgeFile(dir, PANEL_FAQ_FILE);
      const doc = loaded.doc;
      const entry = { id, ...(tags.length ? { tags } : {}), question: input.question, answer: input.answer };
      if (isSeq(doc.get('entries'))) doc.addIn(['entries'], doc.createNode(entry));
      else doc.contents = doc.createNode({ entries: [entry] }) as typeof doc.contents;
      check(entriesFileSchema, doc.toJS(), PANEL_FAQ_FILE);
      await commit(loaded, doc.toString());
      return id;
    });
    return faqView(id);
  }

  async function updateFaq(id: string, input: Omit<FaqInput, 'id' | 'fromGroup'>): Promise<FaqView> {
    await serial(async () => {
      const at = (await locateFaqEntries(dir)).get(id);
      if (!at) {
        if (knowledge.snapshot().entries.some((e) => e.id === id)) {
          throw new ConflictError('This entry is a Markdown file; edit the file itself.', 'not_editable');
        }
        throw new NotFoundError('No FAQ entry has this id.');
      }
      const loaded = await readKnowledgeFile(dir, at.file);
      const doc = loaded.doc;
      const base = ['entries', at.index];
      for (const locale of ['pl', 'en'] as const) {
        doc.setIn([...base, 'question', locale], input.question[locale]);
        doc.setIn([...base, 'answer', locale], input.answer[locale]);
      }
      if (input.tags !== undefined) {
        if (input.tags.length) doc.setIn([...base, 'tags'], doc.createNode(input.tags));
        else doc.deleteIn([...base, 'tags']);
      }
      check(entriesFileSchema, doc.toJS(), at.file);
      await commit(loaded, doc.toString());
    });
    return faqView(id);
  }

  async function deleteFaq(id: string): Promise<void> {
    await serial(async () => {
      const at = (await locateFaqEntries(dir)).get(id);
      if (!at) {
        if (knowledge.snapshot().entries.some((e) => e.id === id)) {
          throw new ConflictError('This entry is a Markdown file; remove the file itself.', 'not_editable');
        }
        throw new NotFoundError('No FAQ entry has this id.');
      }
      const loaded = await readKnowledgeFile(dir, at.file);
      const doc = loaded.doc;
      doc.deleteIn(['entries', at.index]);
      const left = doc.get('entries');
      if (isSeq(left) && left.items.length === 0) {
        // A file with no entries is not valid; the last entry takes its file with it.
        await commit(loaded, null);
        return;
      }
      check(entriesFileSchema, doc.toJS(), at.file);
      await commit(loaded, doc.toString());
    });
  }

  return { packages, faq, updatePackage, createFaq, updateFaq, deleteFaq, unanswered };
}
