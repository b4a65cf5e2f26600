// Runs the compiled CLI, building it first when dist/ is missing or older than any source file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const sources = ['src', 'web', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function buildIsStale() {
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return sources.some((s) => newestMtime(path.join(root, s)) > built);
}

export async function main(argv) {
  if (buildIsStale()) {
    process.stderr.write('frontdesk: building (first run or sources changed)…\n');
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  const cli = await import(pathToFileURL(path.join(root, 'dist', 'cli.js')).href);
  const code = await cli.main(argv);
  if (code >= 0) process.exitCode = code;
}
