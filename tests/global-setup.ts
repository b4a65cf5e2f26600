/**
 * Runs once before the test suite: builds the web apps (widget bundle, demo page) when they are
 * missing or older than their sources, so browser tests and static routes see the current build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, e) => Math.max(m, newest(path.join(p, e))), st.mtimeMs);
}

export default function setup(): void {
  const manifest = path.join(root, 'dist', 'web', 'widget', 'manifest.json');
  const outputs = [
    manifest,
    path.join(root, 'dist', 'web', 'demo', 'index.html'),
    path.join(root, 'dist', 'web', 'admin', 'index.html'),
  ];
  const built = outputs.every((f) => fs.existsSync(f)) ? Math.min(...outputs.map(newest)) : 0;
  const sources = Math.max(
    newest(path.join(root, 'web')),
    newest(path.join(root, 'scripts', 'build-web.mjs')),
  );
  if (built >= sources) return;
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the web apps for the tests failed.');
}
