/**
 * The job queue: pg-boss on the same PostgreSQL (server or embedded) that holds the data, so a job
 * can be queued in the same transaction as the change that caused it (the outbox pattern). The
 * worker runs in-process when enabled; several replicas share the queue (pg-boss claims jobs with
 * `FOR UPDATE SKIP LOCKED`), and a job claimed by a process that died is handed out again once its
 * visibility timeout (`expireInSeconds`) has passed. After `maxAttempts` failures a job is moved to
 * the dead-letter queue, from which it can be redriven or discarded.
 */
import crypto from 'node:crypto';
import PgBoss from 'pg-boss';
import { withAdvisoryLock, type Database, type QueryRunner } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export const DEAD_LETTER_QUEUE = 'frontdesk-dead-letters';
const SCHEMA = 'pgboss';

export interface JobQueueSettings {
  /** Run the worker in this process. */
  workerEnabled: boolean;
  /** Delivery attempts before a job becomes a dead letter. */
  maxAttempts: number;
  /** First retry delay; each further retry waits about twice as long (with jitter). */
  retryDelaySeconds: number;
  /** A claimed job not finished within this time is handed out again (its process is presumed dead). */
  visibilityTimeoutSeconds: number;
  /** How often an idle worker looks for due jobs. */
  pollIntervalMs: number;
  /** Jobs run at the same time by one process. */
  concurrency: number;
  /** Pending jobs and dead letters older than this are archived by pg-boss. */
  retentionDays: number;
}

/** The envelope every job carries: the stable event id survives retries and redrives. */
export interface JobData<P = Record<string, unknown>> {
  kind: string;
  eventId: string;
  queuedAt: string;
  singletonKey?: string;
  payload: P;
}

export interface JobContext<P> {
  id: string;
  data: JobData<P>;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
}

export type JobOutcome = { status: 'delivered' | 'skipped'; detail?: string };

export interface JobDefinition<P = Record<string, unknown>> {
  name: string;
  /** `coalesce`: at most one pending job per singleton key (later ones are dropped; the pending one reads fresh data). */
  policy?: 'standard' | 'coalesce';
  handler(job: JobContext<P>): Promise<JobOutcome>;
  /** False while the provider behind the job is known to be down (circuit open): the worker leaves these jobs alone. */
  isAvailable?(): boolean;
}

export interface DeadLetter {
  id: string;
  kind: string;
  eventId: string;
  payload: Record<string, unknown>;
  error: string | null;
  failedAt: string;
}

export interface EnqueueOptions {
  singletonKey?: string;
  /** Deliver no earlier than this many seconds from now. */
  startAfterSeconds?: number;
}

export interface JobQueue {
  define<P>(definition: JobDefinition<P>): void;
  /** Prepares the queue schema and the defined queues; starts the worker when enabled. */
  start(): Promise<void>;
  /** Stops claiming, waits (bounded) for running jobs, and stops pg-boss. */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Queues a job on the given query runner: pass the transaction of the change that causes it, so the
   * job exists exactly when the change commits. Returns the job id, or null when a coalesced job for
   * the same key is already pending.
   */
  enqueue<P extends Record<string, unknown>>(
    runner: QueryRunner,
    name: string,
    payload: P,
    options?: EnqueueOptions,
  ): Promise<string | null>;
  /** Pending (not yet delivered) jobs per queue, and the dead letters. */
  depth(): Promise<{ pending: Record<string, number>; dead: number }>;
  deadLetters: {
    list(limit: number): Promise<DeadLetter[]>;
    get(id: string): Promise<DeadLetter | undefined>;
    /** Puts the dead letter back on its queue with fresh attempts (same event id). False when unknown. */
    redrive(id: string): Promise<boolean>;
    /** Removes the dead letter for good. False when unknown. */
    discard(id: string): Promise<boolean>;
  };
  /** Looks for due jobs now instead of at the next poll. */
  wake(): void;
}

interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss speaks to the database through `executeSql`. Its schema scripts are several statements
 * without parameters, which the embedded database runs only through `exec` (no result rows needed).
 */
function bossDb(runner: QueryRunner, exec?: (sql: string) => Promise<void>): BossDb {
  return {
    async executeSql(text, values) {
      if ((!values || values.length === 0) && exec && isMultiStatement(text)) {
        await exec(text);
        return { rows: [] };
      }
      const rows = await runner.query(text, values);
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
}

function isMultiStatement(text: string): boolean {
  const trimmed = text.trim().replace(/;\s*$/, '');
  return trimmed.includes(';');
}

/** The advisory lock that serialises the queue set-up across processes ("jobs" in ASCII). */
const SETUP_LOCK_KEY = 0x6a6f6273;

export function createJobQueue(deps: {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  settings: JobQueueSettings;
}): JobQueue {
  const { db, logger, metrics, settings } = deps;
  const definitions = new Map<string, JobDefinition<Record<string, unknown>>>();
  const boss = new PgBoss({
    db: bossDb(db, (sql) => db.exec(sql)),
    schema: SCHEMA,
    supervise: settings.workerEnabled,
    schedule: false,
    migrate: true,
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(settings.visibilityTimeoutSeconds / 2))),
  } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => logger.warn({ err }, 'job queue maintenance failed; it will retry'));

  const c = metrics.client;
  const deliveries = new c.Counter({
    name: 'frontdesk_outbox_deliveries_total',
    help: 'Outbox effects finished, by effect and result (delivered, skipped: adapter not configured or not applicable)',
    labelNames: ['effect', 'result'] as const,
    registers: [metrics.registry],
  });
  const failures = new c.Counter({
    name: 'frontdesk_outbox_failures_total',
    help: 'Failed delivery attempts of outbox effects (each will be retried until it becomes a dead letter)',
    labelNames: ['effect'] as const,
    registers: [metrics.registry],
  });
  const deadLettered = new c.Counter({
    name: 'frontdesk_outbox_dead_letters_total',
    help: 'Outbox effects that used up their attempts and moved to the dead-letter list',
    labelNames: ['effect'] as const,
    registers: [metrics.registry],
  });
  const duration = new c.Histogram({
    name: 'frontdesk_outbox_delivery_duration_seconds',
    help: 'Time to deliver one outbox effect, by effect',
    labelNames: ['effect'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics.registry],
  });
  let started = false;
  new c.Gauge({
    name: 'frontdesk_outbox_pending',
    help: 'Outbox effects waiting for delivery (queued or waiting to be retried), by effect',
    labelNames: ['effect'] as const,
    registers: [metrics.registry],
    async collect() {
      if (!started) return;
      try {
        const { pending } = await queue.depth();
        this.reset();
        for (const [effect, n] of Object.entries(pending)) this.set({ effect }, n);
      } catch {
        // the database may be going away during shutdown
      }
    },
  });
  new c.Gauge({
    name: 'frontdesk_outbox_dead_letters',
    help: 'Dead letters waiting for an operator (redrive or discard)',
    registers: [metrics.registry],
    async collect() {
      if (!started) return;
      try {
        this.set((await queue.depth()).dead);
      } catch {
        // as above
      }
    },
  });

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  const active = new Set<Promise<void>>();
  let cursor = 0;

  async function runJob(
    def: JobDefinition<Record<string, unknown>>,
    job: PgBoss.JobWithMetadata<JobData>,
  ): Promise<void> {
    const data = job.data;
    const effect = def.name;
    const endTimer = duration.startTimer({ effect });
    try {
      const outcome = await def.handler({
        id: job.id,
        data,
        attempt: job.retryCount + 1,
        maxAttempts: job.retryLimit + 1,
      });
      await boss.complete(def.name, job.id, { status: outcome.status, detail: outcome.detail ?? null });
      deliveries.inc({ effect, result: outcome.status });
      logger.info(
        { job: job.id, effect, eventId: data.eventId, result: outcome.status, attempt: job.retryCount + 1 },
        'outbox effect finished',
      );
    } catch (err) {
      failures.inc({ effect });
      const message = errorMessage(err);
      const last = job.retryCount >= job.retryLimit;
      if (last) deadLettered.inc({ effect });
      logger.warn(
        {
          job: job.id,
          effect,
          eventId: data.eventId,
          attempt: job.retryCount + 1,
          error: message,
          dead: last,
        },
        last
          ? 'outbox effect failed for the last time; moved to dead letters'
          : 'outbox effect failed; will retry',
      );
      await boss.fail(def.name, job.id, { message }).catch((e) => {
        logger.warn(
          { err: e, job: job.id },
          'could not record a failed attempt; the visibility timeout will retry it',
        );
      });
    } finally {
      endTimer();
    }
  }

  async function fetchRound(): Promise<number> {
    const names = [...definitions.keys()];
    let claimed = 0;
    for (let i = 0; i < names.length; i++) {
      const free = settings.concurrency - active.size;
      if (free <= 0 || !running) break;
      const name = names[(cursor + i) % names.length]!;
      const def = definitions.get(name)!;
      if (def.isAvailable && !def.isAvailable()) continue;
      const jobs = (await boss.fetch<JobData>(name, {
        batchSize: free,
        includeMetadata: true,
      })) as PgBoss.JobWithMetadata<JobData>[] | null;
      for (const job of jobs ?? []) {
        claimed++;
        const p: Promise<void> = runJob(def, job).finally(() => {
          active.delete(p);
          wakeUp?.();
        });
        active.add(p);
      }
    }
    cursor = (cursor + 1) % Math.max(1, names.length);
    return claimed;
  }

  async function workLoop(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await fetchRound();
      } catch (err) {
        logger.warn({ err }, 'job queue poll failed; retrying');
      }
      if (!running) break;
      if (claimed > 0 && active.size < settings.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, settings.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    }
  }

  async function readDeadLetters(where: string, params: unknown[], limit: number): Promise<DeadLetter[]> {
    const rows = await db.query<{ id: string; data: JobData; output: unknown; created_on: Date | string }>(
      `SELECT id, data, output, created_on FROM ${SCHEMA}.job
        WHERE name = $1 AND state = 'created' ${where}
        ORDER BY created_on DESC, id LIMIT ${Math.max(1, Math.min(500, Math.floor(limit)))}`,
      [DEAD_LETTER_QUEUE, ...params],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.data.kind,
      eventId: r.data.eventId,
      payload: r.data.payload,
      error: outputMessage(r.output),
      failedAt: new Date(r.created_on).toISOString(),
    }));
  }

  const queue: JobQueue = {
    define(definition) {
      definitions.set(definition.name, definition as JobDefinition<Record<string, unknown>>);
    },

    async start() {
      // Replicas starting together on a new database would each create pg-boss's schema and
      // queues (and collide): the set-up runs in one process at a time.
      await withAdvisoryLock(db, SETUP_LOCK_KEY, async () => {
        await boss.start();
        await boss.createQueue(DEAD_LETTER_QUEUE, {
          name: DEAD_LETTER_QUEUE,
          retentionDays: settings.retentionDays,
        } as PgBoss.Queue);
        for (const def of definitions.values()) {
          const options = {
            name: def.name,
            policy: def.policy === 'coalesce' ? 'stately' : 'standard',
            retryLimit: settings.maxAttempts - 1,
            retryDelay: settings.retryDelaySeconds,
            retryBackoff: true,
            expireInSeconds: settings.visibilityTimeoutSeconds,
            retentionDays: settings.retentionDays,
            deadLetter: DEAD_LETTER_QUEUE,
          } as PgBoss.Queue;
          const existing = await boss.getQueue(def.name);
          if (existing) await boss.updateQueue(def.name, options);
          else await boss.createQueue(def.name, options);
        }
      });
      started = true;
      if (settings.workerEnabled) {
        running = true;
        loop = workLoop();
        logger.info(
          { queues: [...definitions.keys()], concurrency: settings.concurrency },
          'job worker started',
        );
      }
    },

    async stop(timeoutMs = 10_000) {
      running = false;
      wakeUp?.();
      await loop;
      const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...active]), deadline]);
      started = false;
      await boss.stop({ graceful: false, wait: true, close: false }).catch((err: unknown) => {
        logger.warn({ err }, 'stopping the job queue failed');
      });
    },

    async enqueue(runner, name, payload, options = {}) {
      const data: JobData = {
        kind: name,
        eventId: crypto.randomUUID(),
        queuedAt: new Date().toISOString(),
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        payload,
      };
      const id = await boss.send(
        name,
        data as unknown as object,
        {
          db: bossDb(runner),
          ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
          ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
        } as PgBoss.SendOptions,
      );
      return id ?? null;
    },

    async depth() {
      const rows = await db.query<{ name: string; n: number | string }>(
        `SELECT name, count(*) AS n FROM ${SCHEMA}.job
          WHERE state IN ('created', 'retry', 'active') GROUP BY name`,
      );
      const pending: Record<string, number> = {};
      for (const name of definitions.keys()) pending[name] = 0;
      let dead = 0;
      for (const r of rows) {
        if (r.name === DEAD_LETTER_QUEUE) dead = Number(r.n);
        else pending[r.name] = Number(r.n);
      }
      return { pending, dead };
    },

    deadLetters: {
      list: (limit) => readDeadLetters('', [], limit),
      async get(id) {
        if (!isUuid(id)) return undefined;
        const [row] = await readDeadLetters('AND id = $2', [id], 1);
        return row;
      },
      async redrive(id) {
        if (!isUuid(id)) return false;
        const result = await db.transaction(async (tx) => {
          const [row] = await tx.query<{ data: JobData }>(
            `DELETE FROM ${SCHEMA}.job WHERE name = $1 AND id = $2 AND state = 'created' RETURNING data`,
            [DEAD_LETTER_QUEUE, id],
          );
          if (!row) return false;
          await boss.send(
            row.data.kind,
            row.data as unknown as object,
            {
              db: bossDb(tx),
              ...(row.data.singletonKey ? { singletonKey: row.data.singletonKey } : {}),
            } as PgBoss.SendOptions,
          );
          return true;
        });
        if (result) queue.wake();
        return result;
      },
      async discard(id) {
        if (!isUuid(id)) return false;
        const rows = await db.query(
          `DELETE FROM ${SCHEMA}.job WHERE name = $1 AND id = $2 AND state = 'created' RETURNING id`,
          [DEAD_LETTER_QUEUE, id],
        );
        return rows.length > 0;
      },
    },

    wake() {
      wakeUp?.();
    },
  };
  return queue;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function errorMessage(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 500);
}

function outputMessage(output: unknown): string | null {
  if (output && typeof output === 'object') {
    const o = output as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    const value = o.value as Record<string, unknown> | undefined;
    if (value && typeof value.message === 'string') return value.message;
  }
  return null;
}
