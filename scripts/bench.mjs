#!/usr/bin/env node
// Chat benchmark: concurrent sessions holding 30-turn conversations against a real `frontdesk serve`
// on the offline engine, on a PostgreSQL server (BENCH_DATABASE_URL or TEST_DATABASE_URL) and on the
// embedded database. Reports turns/s, p50/p95/p99 latency and the server's peak RSS, and the offline
// engine's own time per turn.
//
//   npm run bench                      # all targets, 20 and 200 sessions, 15 s each
//   npm run bench -- --duration 30 --sessions 20 --target postgres
//   npm run bench -- --target postgres --processes 1,2  # also with two worker processes (SERVE_PROCESSES)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIsStale } from './ensure-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const hdr = require(
  require.resolve('hdr-histogram-js', { paths: [path.dirname(require.resolve('autocannon'))] }),
);

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    sessions: { type: 'string', default: '20,200' },
    target: { type: 'string', default: 'postgres,embedded' },
    turns: { type: 'string', default: '30' },
    processes: { type: 'string', default: '1' },
  },
});

const CONVERSATION = [
  'Dzień dobry',
  'Ile kosztuje wykończenie mieszkania?',
  'Mam mieszkanie 54 m2',
  'A co obejmuje pakiet Comfort?',
  'Jaka jest różnica między Express a Express Plus?',
  'Ile to potrwa?',
  'Czy dajecie gwarancję?',
  'Czy można rozłożyć płatność na raty?',
  'Mieszkanie jest w Gdańsku',
  'Mam na imię Michał',
  'Jak wygląda proces?',
  'Czy trzeba samemu kupić materiały?',
  'Wybieram pakiet Comfort',
  'A ile kosztowałby Premium?',
  'Budżet to około 120 tys.',
  'Czy robicie też łazienki?',
  'Kiedy możecie zacząć?',
  'Czy mogę umówić konsultację?',
  'Tak, zgadzam się',
  'michal.bench@example.com',
  'Mój telefon to 600 100 200',
  'Czy konsultacja jest płatna?',
  'Jakie są godziny pracy?',
  'Czy wystawiacie faktury?',
  'A co z VAT?',
  'Czy trzeba być na miejscu?',
  'Dziękuję',
  'Jeszcze jedno pytanie o podłogi',
  'Ok, to wszystko',
  'Do widzenia',
];

if (buildIsStale()) {
  const r = spawn(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  const code = await new Promise((res) => r.on('exit', res));
  if (code !== 0) process.exit(code ?? 1);
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function createDatabase(base) {
  const pg = require('pg');
  const name = `frontdesk_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async count(sql) {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query(sql)).rows[0].n;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function startServer(target, processes) {
  const port = await freePort();
  const metricsToken = randomBytes(32).toString('base64url');
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    METRICS_TOKEN: metricsToken,
    CORS_ORIGINS: 'http://localhost',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_ENABLED: 'false',
    KNOWLEDGE_WATCH: 'false',
    // A fresh database would otherwise get its first daily backup (and its test restore) mid-run.
    BACKUP_ENABLED: 'false',
  };
  let db;
  let dataDir;
  if (target === 'postgres') {
    db = await createDatabase(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL);
    env.DATABASE_URL = db.url;
    env.DATABASE_POOL_MAX = '20';
    env.SERVE_PROCESSES = String(processes);
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-bench-'));
    env.DATA_DIR = dataDir;
  }
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`the server exited during start-up (${target})`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    /** Conversations started so far (a check that turns really continue their conversations). */
    async conversationsStarted() {
      // With several worker processes /metrics answers for one of them: count in the database.
      if (db) return db.count('SELECT count(*)::int AS n FROM chat_sessions');
      const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      const text = await res.text();
      return [...text.matchAll(/^frontdesk_conversations_started_total\{[^}]*\} (\d+)/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    },
    /** Peak resident memory of the server: the process and its workers, summed. */
    peakRssMb() {
      const pids = [child.pid];
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
          if (Number(status.match(/PPid:\s+(\d+)/)?.[1]) === child.pid) pids.push(Number(entry));
        } catch {
          // the process ended meanwhile
        }
      }
      let kb = 0;
      for (const pid of pids) {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        kb += Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
      }
      return Math.round(kb / 1024);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      if (db) await db.drop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function load(url, sessions, durationSeconds, turns) {
  const latencies = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000,
    numberOfSignificantValueDigits: 3,
  });
  let errors = 0;
  const statuses = {};
  const result = await autocannon({
    url,
    connections: sessions,
    duration: durationSeconds,
    histograms: { latencies },
    // One request per turn: autocannon keeps `context` while it walks through the list, and clears it
    // when it starts the list again, so every loop over the list is one new conversation.
    requests: Array.from({ length: turns }, (_, turn) => ({
      method: 'POST',
      path: '/api/v1/chat',
      setupRequest(req, context) {
        const message = CONVERSATION[turn % CONVERSATION.length];
        const body = context.sessionId ? { sessionId: context.sessionId, message } : { message };
        return {
          ...req,
          headers: {
            'content-type': 'application/json',
            ...(context.sessionId ? { 'x-session-secret': context.secret } : {}),
          },
          body: JSON.stringify(body),
        };
      },
      onResponse(status, body, context) {
        if (status !== 200) {
          errors++;
          statuses[status] = (statuses[status] ?? 0) + 1;
          return;
        }
        if (!context.sessionId) {
          const parsed = JSON.parse(body);
          context.sessionId = parsed.sessionId;
          context.secret = parsed.sessionSecret;
        }
      },
    })),
  });
  return {
    turnsPerSecond: Math.round(result.requests.average),
    total: result.requests.total,
    p50: latencies.getValueAtPercentile(50),
    p95: latencies.getValueAtPercentile(95),
    p99: latencies.getValueAtPercentile(99),
    errors: errors + result.errors,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    failedStatuses: statuses,
  };
}

async function engineBenchmark() {
  const { engineTurnMicros } = await import(path.join(root, 'dist', 'modules', 'assistant', 'benchmark.js'));
  return engineTurnMicros(CONVERSATION, 300);
}

const rows = [];
for (const target of args.target.split(',')) {
  if (target === 'postgres' && !(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL)) {
    console.error(
      'skipping postgres: set BENCH_DATABASE_URL or TEST_DATABASE_URL (bash scripts/test-services.sh start)',
    );
    continue;
  }
  const processCounts = target === 'postgres' ? args.processes.split(',').map(Number) : [1];
  for (const [processes, sessions] of processCounts.flatMap((p) =>
    args.sessions.split(',').map((n) => [p, Number(n)]),
  )) {
    const server = await startServer(target, processes);
    await load(server.url, Math.min(sessions, 10), 3, Number(args.turns)); // warm-up
    const before = await server.conversationsStarted();
    const r = await load(server.url, sessions, Number(args.duration), Number(args.turns));
    r.turnsPerConversation =
      Math.round((r.total / Math.max(1, (await server.conversationsStarted()) - before)) * 10) / 10;
    const row = { target, processes, sessions, ...r, peakRssMb: server.peakRssMb() };
    rows.push(row);
    console.error(JSON.stringify(row));
    await server.stop();
  }
}

const engine = await engineBenchmark();
const lines = [
  `| database | processes | sessions | turns/s | p50 ms | p95 ms | p99 ms | errors | turns/conv. | server peak RSS MB |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
  ...rows.map(
    (r) =>
      `| ${r.target === 'postgres' ? 'PostgreSQL server' : 'embedded (PGlite)'} | ${r.processes} | ${r.sessions} | ${r.turnsPerSecond} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.turnsPerConversation} | ${r.peakRssMb} |`,
  ),
  '',
  `Offline engine alone: ${engine.meanMicros.toFixed(1)} µs per turn on average, p99 ${engine.p99Micros.toFixed(1)} µs (${engine.turns} turns).`,
];
console.log(lines.join('\n'));
