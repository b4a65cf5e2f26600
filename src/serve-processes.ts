/**
 * Several `frontdesk serve` processes on one machine (SERVE_PROCESSES): the primary forks workers
 * that share the listening port, restarts a worker that dies, and on SIGTERM/SIGINT passes the
 * signal on and waits for every worker's graceful shutdown. Each worker is a full replica (HTTP,
 * background work), exactly as separate replicas behind a load balancer would be.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './platform/logger.js';

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

export function runPrimary(count: number, logger: Logger): void {
  let stopping = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('all workers stopped');
        logger.flush();
        setTimeout(() => process.exit(0), 50).unref();
      }
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
    logger.error({ pid: worker.process.pid, code, signal }, 'a worker process died; starting another');
    if (restarts.length > count * 5) {
      logger.fatal('workers keep dying; stopping');
      process.exit(1);
    }
    setTimeout(fork, Math.min(5_000, 200 * restarts.length)).unref();
  });
  for (let i = 0; i < count; i++) fork();
  logger.info({ processes: count }, 'serving with several worker processes');
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
