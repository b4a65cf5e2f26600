/**
 * The knowledge service: serves one validated snapshot of the knowledge directory with its search index,
 * and (optionally) watches the directory and swaps in a fresh snapshot when a file changes.
 *
 * A reload that fails leaves the previous snapshot in service: visitors keep getting answers while the
 * author fixes the file. Creation is async and fails when the initial load fails.
 */

import { type FSWatcher, watch as fsWatch } from 'node:fs';
import path from 'node:path';
import { matchForm } from '../../lang/text.js';
import { BUSINESS_FILE, ENTRY_DIRS, isEntryFileName, loadKnowledge, PACKAGES_FILE } from './loader.js';
import { buildSearchIndex, type KnowledgeSearchIndex } from './search-index.js';
import type { KnowledgeEntry, KnowledgeReader, KnowledgeSnapshot, Locale, Package, SearchHit } from './types.js';

export interface KnowledgeServiceOptions {
  /** The knowledge directory (business.yaml, packages.yaml, topics/, faq/). */
  dir: string;
  /** Reload automatically when files in the directory change. Default false. */
  watch?: boolean;
  /** Quiet period after the last file change before reloading, in milliseconds. Default 200. */
  debounceMs?: number;
  /** Called when an automatic reload or the watcher fails; the previous snapshot stays in service. */
  onError?: (err: unknown) => void;
  /** Called after every successful reload (not for the initial load) with the new snapshot. */
  onReload?: (snapshot: KnowledgeSnapshot) => void;
}

export interface KnowledgeService extends KnowledgeReader {
  /**
   * Reloads the directory now. Resolves once the new snapshot is in service (its version is one higher);
   * rejects with the load error (usually a KnowledgeLoadError) and keeps the previous snapshot otherwise.
   * Concurrent calls run one after another.
   */
  reload(): Promise<void>;
  /** Stops watching and waits for a reload in progress. The service keeps answering from memory. */
  close(): Promise<void>;
}

interface State {
  snapshot: KnowledgeSnapshot;
  index: KnowledgeSearchIndex;
  entriesByTopic: Map<string, KnowledgeEntry[]>;
  packagesByName: Map<string, Package>;
}

function buildState(snapshot: KnowledgeSnapshot): State {
  const entriesByTopic = new Map<string, KnowledgeEntry[]>();
  for (const entry of snapshot.entries) {
    const list = entriesByTopic.get(entry.topic) ?? [];
    list.push(entry);
    entriesByTopic.set(entry.topic, list);
  }
  const packagesByName = new Map<string, Package>();
  for (const pkg of snapshot.packages) packagesByName.set(pkg.id, pkg);
  for (const pkg of snapshot.packages) {
    for (const name of [pkg.name, ...pkg.aliases]) {
      const key = matchForm(name);
      if (!packagesByName.has(key)) packagesByName.set(key, pkg);
    }
  }
  return { snapshot, index: buildSearchIndex(snapshot), entriesByTopic, packagesByName };
}

/**
 * Whether a change reported by the watcher (a path relative to the knowledge directory) can affect the
 * knowledge base: business.yaml, packages.yaml, the entry folders themselves and the entry files in them,
 * and the "..data" link a Kubernetes ConfigMap mount swaps on update. Files that belong to other parts of
 * Frontdesk and editor scratch files are not.
 */
export function isRelevantChange(relative: string): boolean {
  const parts = relative.split(/[\\/]/);
  const [top = '', name = ''] = parts;
  if (parts.length === 1) {
    return top === BUSINESS_FILE || top === PACKAGES_FILE || top.startsWith('..') || isEntryDir(top);
  }
  return parts.length === 2 && isEntryDir(top) && isEntryFileName(name) && !/(~|\.swp|\.swx|\.tmp)$/i.test(name);
}

const isEntryDir = (name: string) => (ENTRY_DIRS as readonly string[]).includes(name);

/** Loads the directory and starts serving it. Rejects when the initial load fails. */
export async function createKnowledgeService(options: KnowledgeServiceOptions): Promise<KnowledgeService> {
  const { dir, debounceMs = 200 } = options;
  const reportError = (err: unknown) => {
    try {
      options.onError?.(err);
    } catch {
      // A failing error handler must not stop the watcher.
    }
  };

  let state = buildState(await loadKnowledge(dir, 1));
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watchers: FSWatcher[] = [];

  const doReload = async (): Promise<void> => {
    const next = buildState(await loadKnowledge(dir, state.snapshot.version + 1));
    state = next;
    try {
      options.onReload?.(next.snapshot);
    } catch (err) {
      reportError(err);
    }
  };

  const reload = (): Promise<void> => {
    const run = queue.then(doReload);
    queue = run.then(
      () => refreshWatchers(),
      () => refreshWatchers(),
    );
    return run;
  };

  const scheduleReload = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) reload().catch(reportError);
    }, debounceMs);
  };

  const closeWatchers = () => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
  };

  const addWatcher = (into: FSWatcher[], target: string, recursive: boolean, prefix: string) => {
    try {
      const watcher = fsWatch(target, { recursive, persistent: false }, (_event, filename) => {
        if (filename === null || isRelevantChange(prefix ? `${prefix}/${filename}` : String(filename))) {
          scheduleReload();
        }
      });
      watcher.on('error', (err) => {
        reportError(err);
        // The directory may have been replaced; watch it afresh after the next reload.
        scheduleReload();
      });
      into.push(watcher);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') reportError(err);
    }
  };

  /**
   * Watches the root and each entry directory. macOS and Windows watch recursively in one go; elsewhere
   * each directory gets its own watcher, re-created after every reload so that directories created or
   * replaced since (including a Kubernetes ConfigMap swap) are followed.
   */
  function refreshWatchers(): void {
    if (!options.watch || closed) return;
    const fresh: FSWatcher[] = [];
    if (process.platform === 'darwin' || process.platform === 'win32') {
      addWatcher(fresh, dir, true, '');
    } else {
      addWatcher(fresh, dir, false, '');
      for (const sub of ENTRY_DIRS) addWatcher(fresh, path.join(dir, sub), false, sub);
    }
    // The new watchers are in place before the old ones go, so no change falls in between.
    closeWatchers();
    watchers = fresh;
  }

  refreshWatchers();

  return {
    snapshot: () => state.snapshot,
    search: (query: string, locale: Locale, limit?: number): SearchHit[] => state.index.search(query, locale, limit),
    findPackage: (idOrName: string) =>
      state.packagesByName.get(idOrName) ?? state.packagesByName.get(matchForm(idOrName)),
    entriesByTopic: (topic: string) => [...(state.entriesByTopic.get(topic) ?? [])],
    reload,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      closeWatchers();
      await queue;
    },
  };
}

