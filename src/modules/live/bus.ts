/**
 * Fan-out of live signals between replicas. A signal is small: "new events were stored" (each replica
 * then reads them from live_events) or an ephemeral event such as typing. Transport, in order:
 * Redis pub/sub when configured and reachable; PostgreSQL NOTIFY on a server otherwise (every replica
 * always LISTENs on a dedicated connection); the embedded database has one process, so signals stay
 * in-process. Each replica also polls the event table, so a lost signal only delays delivery.
 */
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { LiveEvent } from './events.js';

export type Signal = { kind: 'stored' } | { kind: 'ephemeral'; event: LiveEvent };

interface Envelope {
  uid: string;
  signal: Signal;
}

export interface LiveBus {
  /** Tells every replica (this one included) about new events. Never throws. */
  send(signal: Signal): Promise<void>;
  onSignal(handler: (signal: Signal) => void): void;
  /** 'redis' while Redis carries the signals, otherwise the fallback in use. */
  transport(): 'redis' | 'postgres' | 'local';
  close(): Promise<void>;
}

const PG_CHANNEL = 'frontdesk_live';
const SEEN_LIMIT = 2_000;

export function createLiveBus(deps: {
  db: Database;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  keyPrefix: string;
  logger: Logger;
  metrics: Metrics;
}): LiveBus {
  const { db, logger, metrics } = deps;
  const sent = new metrics.client.Counter({
    name: 'frontdesk_live_signals_sent_total',
    help: 'Live signals sent to other replicas, by transport (redis, postgres; local: none needed)',
    labelNames: ['transport'] as const,
    registers: [metrics.registry],
  });
  const received = new metrics.client.Counter({
    name: 'frontdesk_live_signals_received_total',
    help: 'Live signals received from replicas, by transport',
    labelNames: ['transport'] as const,
    registers: [metrics.registry],
  });
  const handlers: Array<(signal: Signal) => void> = [];
  const seen = new Set<string>();
  let closed = false;

  const deliver = (envelope: Envelope, transport: string) => {
    if (seen.has(envelope.uid)) return;
    seen.add(envelope.uid);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
    if (transport !== 'local') received.inc({ transport });
    for (const h of handlers) {
      try {
        h(envelope.signal);
      } catch (err) {
        logger.warn({ err }, 'a live signal handler failed');
      }
    }
  };
  const parse = (raw: string): Envelope | undefined => {
    try {
      const value = JSON.parse(raw) as Envelope;
      return typeof value.uid === 'string' && value.signal ? value : undefined;
    } catch {
      return undefined;
    }
  };

  // ---- Redis --------------------------------------------------------------------------------------
  const channel = `${deps.keyPrefix}live`;
  let redisUp = false;
  let publisher: Redis | undefined;
  let subscriber: Redis | undefined;
  if (deps.redisUrl) {
    const options = {
      lazyConnect: false,
      connectTimeout: 2_000,
      retryStrategy: (times: number) => Math.min(200 * times, 2_000),
    };
    publisher = new Redis(deps.redisUrl, {
      ...options,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
    });
    subscriber = new Redis(deps.redisUrl, { ...options, autoResubscribe: true });
    const setUp = (value: boolean, err?: unknown) => {
      if (redisUp === value) return;
      redisUp = value;
      if (value) logger.info('live events go through Redis pub/sub again');
      else logger.warn({ err }, 'Redis is unreachable; live events use the fallback until it returns');
    };
    publisher.on('ready', () => setUp(true));
    publisher.on('error', (err) => setUp(false, err));
    publisher.on('close', () => setUp(false));
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, raw: string) => {
      const envelope = parse(raw);
      if (envelope) deliver(envelope, 'redis');
    });
    void subscriber.subscribe(channel).catch((err) => logger.warn({ err }, 'Redis subscribe failed'));
  }

  // ---- PostgreSQL LISTEN/NOTIFY (server only) ------------------------------------------------------
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const listen = async (attempt = 0): Promise<void> => {
    if (closed || !deps.databaseUrl) return;
    const client = new pg.Client({ connectionString: deps.databaseUrl, keepAlive: true });
    const retry = () => {
      if (closed || reconnectTimer) return;
      listener = undefined;
      reconnectTimer = setTimeout(
        () => {
          reconnectTimer = undefined;
          void listen(attempt + 1);
        },
        Math.min(250 * 2 ** attempt, 5_000),
      );
      reconnectTimer.unref();
    };
    client.on('error', (err) => {
      logger.warn({ err }, 'the LISTEN connection for live events failed; reconnecting');
      void client.end().catch(() => undefined);
      retry();
    });
    client.on('notification', (msg) => {
      const envelope = msg.payload ? parse(msg.payload) : undefined;
      if (envelope) deliver(envelope, 'postgres');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PG_CHANNEL}`);
      listener = client;
      attempt = 0;
    } catch (err) {
      logger.warn({ err }, 'could not LISTEN for live events; retrying');
      void client.end().catch(() => undefined);
      retry();
    }
  };
  void listen();

  const transport = (): 'redis' | 'postgres' | 'local' =>
    redisUp ? 'redis' : deps.databaseUrl ? 'postgres' : 'local';

  return {
    transport,
    onSignal(handler) {
      handlers.push(handler);
    },
    async send(signal) {
      const envelope: Envelope = { uid: crypto.randomUUID(), signal };
      deliver(envelope, 'local');
      const raw = JSON.stringify(envelope);
      if (publisher && redisUp) {
        try {
          await publisher.publish(channel, raw);
          sent.inc({ transport: 'redis' });
          return;
        } catch (err) {
          logger.warn({ err }, 'publishing a live signal to Redis failed; using the fallback');
        }
      }
      if (deps.databaseUrl && raw.length < 7_900) {
        try {
          await db.query('SELECT pg_notify($1, $2)', [PG_CHANNEL, raw]);
          sent.inc({ transport: 'postgres' });
        } catch (err) {
          // The other replicas' polling still picks stored events up.
          logger.warn({ err }, 'NOTIFY for a live signal failed');
        }
      }
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await listener?.end().catch(() => undefined);
      for (const r of [publisher, subscriber]) {
        r?.removeAllListeners();
        r?.on('error', () => undefined);
        r?.disconnect();
      }
    },
  };
}
