/** Liveness and readiness of this process and its dependencies. */
import type { Cache } from '../../platform/cache.js';
import type { Database } from '../../platform/db/database.js';
import { isMigrated } from '../../platform/db/migrate.js';

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: 'up' | 'down' | 'not_migrated';
  redis: 'up' | 'degraded' | 'disabled';
  uptimeSeconds: number;
}

export function createHealthService(deps: { db: Database; cache: Cache; expectedMigrations: number }) {
  const startedAt = Date.now();
  return {
    async readiness(): Promise<Readiness> {
      let database: Readiness['database'] = 'up';
      try {
        await withTimeout(deps.db.ping(), 2_000);
        if (!(await withTimeout(isMigrated(deps.db, deps.expectedMigrations), 2_000)))
          database = 'not_migrated';
      } catch {
        database = 'down';
      }
      const redis = deps.cache.status();
      return {
        status: database === 'up' ? 'ready' : 'not_ready',
        database,
        redis: redis === 'up' ? 'up' : redis,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
