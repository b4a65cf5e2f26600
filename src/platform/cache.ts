/**
 * The cache: Redis when REDIS_URL is set, with an in-process fallback that takes over whenever Redis is
 * unreachable. Correctness never depends on Redis: callers get the same API either way.
 */
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export type CacheStatus = 'disabled' | 'up' | 'degraded';

export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter that expires ttlSeconds after it was created; returns the new value. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  status(): CacheStatus;
  close(): Promise<void>;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** A bounded in-process map with expiry: the fallback, and the cache when Redis is not configured. */
export class MemoryCache {
  private readonly map = new Map<string, Entry>();
  constructor(private readonly maxEntries = 50_000) {}

  get(key: string): string | null {
    const e = this.map.get(key);
    if (!e) return null;
    if (e.expiresAt <= Date.now()) {
      this.map.delete(key);
      return null;
    }
    return e.value;
  }

  set(key: string, value: string, ttlSeconds: number): void {
    if (this.map.size >= this.maxEntries) this.evict();
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  del(key: string): void {
    this.map.delete(key);
  }

  incr(key: string, ttlSeconds: number): number {
    const current = this.map.get(key);
    if (current && current.expiresAt > Date.now()) {
      const next = Number(current.value) + 1;
      current.value = String(next);
      return next;
    }
    this.set(key, '1', ttlSeconds);
    return 1;
  }

  /** Drops expired entries; when still full, the oldest inserted ones. */
  purgeExpired(): number {
    const now = Date.now();
    let removed = 0;
    for (const [k, e] of this.map) {
      if (e.expiresAt <= now) {
        this.map.delete(k);
        removed++;
      }
    }
    return removed;
  }

  private evict(): void {
    if (this.purgeExpired() > 0) return;
    const oldest = this.map.keys().next();
    if (!oldest.done) this.map.delete(oldest.value);
  }

  get size(): number {
    return this.map.size;
  }
}

export interface CacheSettings {
  url: string | undefined;
  keyPrefix: string;
}

export function createCache(settings: CacheSettings, logger: Logger, metrics: Metrics): Cache {
  const memory = new MemoryCache();
  const purgeTimer = setInterval(() => memory.purgeExpired(), 60_000);
  purgeTimer.unref();
  if (!settings.url) {
    metrics.redisUp.set(0);
    return {
      get: async (k) => memory.get(k),
      set: async (k, v, t) => memory.set(k, v, t),
      del: async (k) => memory.del(k),
      incr: async (k, t) => memory.incr(k, t),
      status: () => 'disabled',
      close: async () => clearInterval(purgeTimer),
    };
  }

  const redis = new Redis(settings.url, {
    keyPrefix: settings.keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
    reconnectOnError: () => true,
  });
  let up = false;
  let announced: boolean | undefined;
  const setUp = (value: boolean, err?: unknown) => {
    up = value;
    metrics.redisUp.set(value ? 1 : 0);
    if (announced === value) return;
    announced = value;
    if (value) logger.info('Redis is reachable; using it for cache, rate limits and events');
    else logger.warn({ err }, 'Redis is unreachable; using the in-process fallback until it returns');
  };
  redis.on('ready', () => setUp(true));
  redis.on('error', (err) => setUp(false, err));
  redis.on('close', () => setUp(false));
  redis.on('end', () => setUp(false));

  async function attempt<T>(op: () => Promise<T>, fallback: () => T): Promise<T> {
    if (up) {
      try {
        return await op();
      } catch (err) {
        setUp(false, err);
      }
    }
    metrics.redisFallbacks.inc();
    return fallback();
  }

  return {
    get: (k) =>
      attempt(
        () => redis.get(k),
        () => memory.get(k),
      ),
    set: (k, v, t) =>
      attempt(
        async () => {
          await redis.set(k, v, 'EX', t);
        },
        () => memory.set(k, v, t),
      ),
    del: (k) =>
      attempt(
        async () => {
          await redis.del(k);
        },
        () => memory.del(k),
      ),
    incr: (k, t) =>
      attempt(
        async () => {
          const [[, n] = [null, 0]] = (await redis.multi().incr(k).expire(k, t, 'NX').exec()) ?? [];
          return Number(n);
        },
        () => memory.incr(k, t),
      ),
    status: () => (up ? 'up' : 'degraded'),
    async close() {
      clearInterval(purgeTimer);
      redis.removeAllListeners();
      redis.on('error', () => undefined);
      redis.disconnect();
    },
  };
}
