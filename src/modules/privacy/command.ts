/** `frontdesk privacy …`: `inventory` writes docs/data-inventory.md from the data inventory. */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { renderInventoryMarkdown } from './inventory-doc.js';

export const INVENTORY_DOC = path.join('docs', 'data-inventory.md');

export async function runPrivacyCommand(
  config: Config,
  args: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const [sub] = args;
  if (sub === 'inventory') {
    const file = path.join(config.rootDir, INVENTORY_DOC);
    fs.writeFileSync(file, renderInventoryMarkdown());
    io.stdout.write(`wrote ${file}\n`);
    return 0;
  }
  io.stderr.write('Usage: frontdesk privacy inventory   (writes docs/data-inventory.md)\n');
  return sub === undefined || sub === 'help' ? 0 : 2;
}
