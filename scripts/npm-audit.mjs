#!/usr/bin/env node
/**
 * Production dependency audit: runs `npm audit --omit=dev --json`, compares every high or critical
 * advisory with audit-allowlist.json, prints a table and exits 1 when one is neither allow-listed nor
 * covered by an unexpired entry.
 *
 * When the registry's audit endpoint cannot be reached (offline, a mirror without it), the script says
 * so and exits 0, or 2 when AUDIT_REQUIRED=true. `--input file.json` audits a saved `npm audit --json`
 * report instead of asking the registry.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BLOCKING = new Set(['high', 'critical']);
const args = process.argv.slice(2);
const inputIndex = args.indexOf('--input');
const required = process.env.AUDIT_REQUIRED === 'true';

function readReport() {
  if (inputIndex >= 0) return JSON.parse(fs.readFileSync(args[inputIndex + 1] ?? '', 'utf8'));
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  try {
    return JSON.parse(run.stdout);
  } catch {
    return { error: { summary: (run.stderr || run.error?.message || 'no output').trim().split('\n').pop() } };
  }
}

function unreachable(why) {
  console.log(`npm audit: the registry's audit endpoint could not be used (${why}).`);
  console.log('No advisories were checked.');
  if (required) {
    console.log('AUDIT_REQUIRED=true: failing.');
    process.exit(2);
  }
  console.log('Set AUDIT_REQUIRED=true to make this a failure.');
  process.exit(0);
}

function loadAllowlist() {
  const file = path.join(ROOT, 'audit-allowlist.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const entries = Array.isArray(data.entries) ? data.entries : [];
  for (const e of entries) {
    for (const key of ['id', 'package', 'reason', 'reviewedBy', 'reviewedOn', 'expires']) {
      if (typeof e[key] !== 'string' || e[key].trim() === '') {
        console.error(`audit-allowlist.json: an entry lacks "${key}": ${JSON.stringify(e)}`);
        process.exit(1);
      }
    }
  }
  return entries;
}

/** Every (package, advisory) pair of the report, from the advisories each vulnerability lists. */
function advisoriesOf(report) {
  const found = new Map();
  for (const [name, vuln] of Object.entries(report.vulnerabilities ?? {})) {
    for (const via of vuln.via ?? []) {
      if (typeof via !== 'object' || via === null) continue;
      const ghsa = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0];
      const key = `${name}|${via.source ?? via.url}`;
      found.set(key, {
        package: name,
        severity: via.severity ?? vuln.severity,
        ids: [String(via.source ?? ''), via.url ?? '', ghsa ?? ''].filter(Boolean),
        title: via.title ?? '',
        range: via.range ?? vuln.range ?? '',
        fix: vuln.fixAvailable ? 'yes' : 'no',
      });
    }
  }
  return [...found.values()];
}

const report = readReport();
if (report.error || (!report.vulnerabilities && !report.metadata)) {
  unreachable(report.error?.summary || report.message || 'unexpected answer');
}
const allowlist = loadAllowlist();
const today = new Date().toISOString().slice(0, 10);
const rows = advisoriesOf(report).map((a) => {
  const entry = allowlist.find(
    (e) => e.package === a.package && a.ids.some((id) => id === e.id || id.endsWith(`/${e.id}`)),
  );
  const blocking = BLOCKING.has(a.severity);
  let status = blocking ? 'FAIL' : 'note';
  if (entry) status = entry.expires < today ? 'FAIL (allow-list entry expired)' : 'allowed';
  return { ...a, status, entry };
});

const table = [['status', 'severity', 'package', 'advisory', 'fix', 'title']].concat(
  rows.map((r) => [
    r.status,
    r.severity,
    r.package,
    r.ids.find((i) => i.startsWith('GHSA')) ?? r.ids[0] ?? '',
    r.fix,
    r.title,
  ]),
);
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
const counts = report.metadata?.vulnerabilities ?? {};
console.log(
  `npm audit (production dependencies): ${Object.entries(counts)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}`,
);
if (rows.length > 0) {
  for (const row of table) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join('  '));
}
for (const e of allowlist) {
  if (!rows.some((r) => r.entry === e))
    console.log(`allow-list entry no longer needed: ${e.id} (${e.package})`);
}
const failing = rows.filter((r) => r.status.startsWith('FAIL'));
if (failing.length > 0) {
  console.log(
    `${failing.length} high or critical advisories are not allow-listed: update the packages or review them.`,
  );
  process.exit(1);
}
console.log('No high or critical advisory outside the allow-list.');
