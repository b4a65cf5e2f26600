/**
 * The knowledge files the admin panel edits: packages.yaml and the YAML entry files under faq/.
 *
 * Files are edited through the `yaml` document model, so comments and the layout of the parts that do
 * not change are kept. Every write goes to a temporary file in the same directory (a name starting with
 * "." so that the loader and the watcher ignore it), is flushed to disk and then renamed over the
 * target: a reader sees either the old or the new file, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { isEntryFileName, PACKAGES_FILE } from '../knowledge/loader.js';

/** Where the panel puts the FAQ entries it creates (relative to the knowledge directory). */
export const PANEL_FAQ_FILE = 'faq/panel.yaml';

export interface LoadedFile {
  /** Relative to the knowledge directory, with "/" separators. */
  file: string;
  /** The text as read; undefined when the file does not exist. */
  source: string | undefined;
  doc: Document;
}

export async function readKnowledgeFile(dir: string, file: string): Promise<LoadedFile> {
  let source: string | undefined;
  try {
    source = (await readFile(path.join(dir, file), 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const doc = parseDocument(source ?? '', { uniqueKeys: true });
  return { file, source, doc };
}

/** Writes `text` to `file` atomically: a temporary file in the same directory, flushed, then renamed. */
export async function writeAtomically(dir: string, file: string, text: string): Promise<void> {
  const target = path.join(dir, file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Puts a file back as it was before an edit (removes it when it did not exist). */
export async function restoreFile(dir: string, loaded: LoadedFile): Promise<void> {
  if (loaded.source === undefined) await rm(path.join(dir, loaded.file), { force: true });
  else await writeAtomically(dir, loaded.file, loaded.source);
}

export function readPackagesFile(dir: string): Promise<LoadedFile> {
  return readKnowledgeFile(dir, PACKAGES_FILE);
}

/** Where one FAQ entry is stored: a YAML file under faq/ and its index in the file's `entries`. */
export interface EntryLocation {
  file: string;
  index: number;
}

/**
 * Finds every entry id in the YAML files under faq/ (Markdown entries are one file each and are
 * edited as files, not through the panel).
 */
export async function locateFaqEntries(dir: string): Promise<Map<string, EntryLocation>> {
  const out = new Map<string, EntryLocation>();
  let names: string[];
  try {
    names = (await readdir(path.join(dir, 'faq'), { withFileTypes: true }))
      .filter((d) => d.isFile() && isEntryFileName(d.name) && /\.ya?ml$/i.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const name of names) {
    const file = `faq/${name}`;
    const { doc } = await readKnowledgeFile(dir, file);
    const entries = doc.get('entries');
    if (!isSeq(entries)) continue;
    entries.items.forEach((item, index) => {
      const id = isMap(item) ? item.get('id') : undefined;
      if (typeof id === 'string' && !out.has(id)) out.set(id, { file, index });
    });
  }
  return out;
}
