/** Helpers shared by the knowledge tests. */

import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The knowledge base shipped with Frontdesk (the demo business). */
export const SHIPPED_KNOWLEDGE_DIR = fileURLToPath(new URL('../../../knowledge', import.meta.url));

/** A private copy of the shipped knowledge base that a test may change; `remove` deletes it. */
export async function copyShippedKnowledge(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'frontdesk-knowledge-'));
  const dir = path.join(root, 'knowledge');
  await cp(SHIPPED_KNOWLEDGE_DIR, dir, { recursive: true });
  return { dir, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Polls `check` until it returns true or `timeoutMs` passes; resolves to the last result. */
export async function eventually(check: () => boolean, timeoutMs = 10_000, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}
