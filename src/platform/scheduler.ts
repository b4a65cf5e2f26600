/**
 * Periodic tasks that must run once per period across all replicas (partition upkeep, sweeps).
 * Each task claims its period with one atomic UPDATE on frontdesk_scheduled_tasks, so two replicas
 * ticking at the same moment never both run it. Failures are logged and retried next tick.
 */
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';

export interface ScheduledTask {
  name: string;
  /** How often the task runs, in seconds. */
  everySeconds: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** Runs every due task once now (also what each tick does); returns the names that ran here. */
  tick(): Promise<string[]>;
  start(tickMs?: number): void;
  stop(): Promise<void>;
}

export function createScheduler(db: Database, logger: Logger, tasks: ScheduledTask[]): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string[]> | undefined;

  async function claim(task: ScheduledTask): Promise<boolean> {
    await db.query(
      `INSERT INTO frontdesk_scheduled_tasks (name, last_started_at) VALUES ($1, 'epoch')
       ON CONFLICT (name) DO NOTHING`,
      [task.name],
    );
    const rows = await db.query(
      `UPDATE frontdesk_scheduled_tasks SET last_started_at = now(), runs = runs + 1
        WHERE name = $1 AND last_started_at <= now() - make_interval(secs => $2)
        RETURNING name`,
      [task.name, task.everySeconds * 0.9],
    );
    return rows.length > 0;
  }

  async function tickOnce(): Promise<string[]> {
    const ran: string[] = [];
    for (const task of tasks) {
      try {
        if (!(await claim(task))) continue;
        const started = Date.now();
        const result = await task.run();
        await db.query(
          `UPDATE frontdesk_scheduled_tasks SET last_finished_at = now(), last_error = NULL WHERE name = $1`,
          [task.name],
        );
        ran.push(task.name);
        logger.info({ task: task.name, ms: Date.now() - started, result }, 'scheduled task finished');
      } catch (err) {
        logger.error({ err, task: task.name }, 'scheduled task failed');
        await db
          .query(`UPDATE frontdesk_scheduled_tasks SET last_error = $2 WHERE name = $1`, [
            task.name,
            String((err as Error).message).slice(0, 500),
          ])
          .catch(() => undefined);
      }
    }
    return ran;
  }

  return {
    tick() {
      running ??= tickOnce().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(tickMs = 30_000) {
      void this.tick();
      timer = setInterval(() => void this.tick(), tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
