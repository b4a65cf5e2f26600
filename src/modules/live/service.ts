/**
 * Live events for WebSocket clients. Writers store events in live_events inside their transaction and
 * call `announce()` after it commits; every replica then reads the new rows in id order and hands
 * them to its connected clients. A client that (re)connects with `lastEventId` first gets what it
 * missed from the table, then live events, with no gap and no duplicate.
 */
import crypto from 'node:crypto';
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { createLiveBus, type LiveBus } from './bus.js';
import { createEventStore, type LiveEvent, type NewLiveEvent } from './events.js';

export type { LiveEvent, NewLiveEvent } from './events.js';

export interface LiveSubscriber {
  /** Which events this client receives. */
  wants(event: LiveEvent): boolean;
  send(event: LiveEvent): void;
}

interface Attached {
  sub: LiveSubscriber;
  lastId: number;
  /** Events that arrived while the replay was running. */
  buffer: LiveEvent[] | undefined;
}

export interface LiveSettings {
  pollMs: number;
  eventRetentionHours: number;
  ticketTtlSeconds: number;
}

export interface StaffTicket {
  staffKind: 'user' | 'token';
  staffId: string | null;
  role: string;
}

/** How long mirrored events wait to be written together. */
const BATCH_MS = 50;

export function createLiveService(deps: {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  settings: LiveSettings;
  databaseUrl: string | undefined;
  redis: { url: string | undefined; keyPrefix: string };
  bus?: LiveBus;
}) {
  const { db, logger, metrics, settings } = deps;
  const store = createEventStore(db);
  const bus =
    deps.bus ??
    createLiveBus({
      db,
      databaseUrl: deps.databaseUrl,
      redisUrl: deps.redis.url,
      keyPrefix: deps.redis.keyPrefix,
      logger,
      metrics,
    });
  const connections = new metrics.client.Gauge({
    name: 'frontdesk_live_connections',
    help: 'Open live WebSocket connections on this replica, by kind (widget, admin)',
    labelNames: ['kind'] as const,
    registers: [metrics.registry],
  });
  const delivered = new metrics.client.Counter({
    name: 'frontdesk_live_events_delivered_total',
    help: 'Live events sent to WebSocket clients on this replica',
    registers: [metrics.registry],
  });

  const attached = new Set<Attached>();
  let cursor = 0;
  let started = false;
  let pulling: Promise<void> | undefined;
  let again = false;
  let pollTimer: NodeJS.Timeout | undefined;

  const deliver = (a: Attached, event: LiveEvent) => {
    if (!a.sub.wants(event)) return;
    if (event.id !== null) {
      if (event.id <= a.lastId) return;
      a.lastId = event.id;
    }
    try {
      a.sub.send(event);
      delivered.inc();
    } catch (err) {
      logger.debug({ err }, 'sending a live event failed');
    }
  };

  const dispatch = (event: LiveEvent) => {
    if (event.id !== null) cursor = Math.max(cursor, event.id);
    for (const a of attached) {
      if (a.buffer) a.buffer.push(event);
      else deliver(a, event);
    }
  };

  /** Reads new events from the table and dispatches them; runs one at a time per replica. */
  const pull = (): Promise<void> => {
    if (!started) return Promise.resolve();
    if (pulling) {
      again = true;
      return pulling;
    }
    pulling = (async () => {
      do {
        again = false;
        try {
          // With nobody connected to this replica there is nobody to deliver to: it only moves its
          // cursor (a client that connects later replays what it missed from the table).
          if (attached.size === 0) {
            cursor = Math.max(cursor, await store.latestId());
          } else {
            for (;;) {
              const batch = await store.after(cursor, 500);
              for (const event of batch) dispatch(event);
              if (batch.length < 500) break;
            }
          }
        } catch (err) {
          logger.warn({ err }, 'reading live events failed; retrying on the next signal or poll');
        }
      } while (again);
    })().finally(() => {
      pulling = undefined;
    });
    return pulling;
  };

  bus.onSignal((signal) => {
    if (signal.kind === 'stored') void pull();
    else dispatch(signal.event);
  });

  const hashTicket = (ticket: string) => crypto.createHash('sha256').update(ticket).digest('hex');

  // Events that only mirror what is already stored elsewhere (each chat turn's messages, for staff
  // watching live) are written in batches: one short transaction per batch instead of one per turn,
  // so the ordering lock is taken a few times a second rather than once per customer message.
  let pending: NewLiveEvent[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    flushTimer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      await db.transaction((tx) => store.record(tx, batch));
      void bus.send({ kind: 'stored' });
    } catch (err) {
      logger.warn({ err, events: batch.length }, 'recording a batch of live events failed');
    }
  };
  const flushNow = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushing = (flushing ?? Promise.resolve()).then(flush);
    return flushing;
  };

  return {
    async start(): Promise<void> {
      cursor = await store.latestId();
      started = true;
      pollTimer = setInterval(() => void pull(), settings.pollMs);
      pollTimer.unref();
    },

    async stop(): Promise<void> {
      await flushNow();
      started = false;
      if (pollTimer) clearInterval(pollTimer);
      await pulling?.catch(() => undefined);
      await bus.close();
    },

    /** Stores events in the caller's transaction; call announce() after it commits. */
    record: (tx: QueryRunner, events: NewLiveEvent[]) => store.record(tx, events),

    /** Tells every replica that new events were stored. Never throws. */
    announce(): void {
      void bus.send({ kind: 'stored' });
    },

    /** Stores and announces events in a transaction of their own. */
    async publish(events: NewLiveEvent[]): Promise<LiveEvent[]> {
      const stored = await db.transaction((tx) => store.record(tx, events));
      this.announce();
      return stored;
    },

    /** Writes the events publishSoon() is holding, now. */
    flush: (): Promise<void> => flushNow(),

    /**
     * Stores events within about BATCH_MS together with others (see flush above); for events whose
     * content is already durable elsewhere, where a crash losing the last batch loses nothing.
     */
    publishSoon(events: NewLiveEvent[]): void {
      pending.push(...events);
      if (pending.length >= 1_000) void flushNow();
      else flushTimer ??= setTimeout(() => void flushNow(), BATCH_MS);
    },

    /** An event that is not stored (typing): sent to the clients connected now, on every replica. */
    ephemeral(event: NewLiveEvent): void {
      void bus.send({ kind: 'ephemeral', event: { ...event, id: null, at: new Date().toISOString() } });
    },

    /**
     * Connects a client: replays what it missed after `lastEventId` (from `replay`), then streams live
     * events. Returns the function that disconnects it.
     */
    async attach(
      sub: LiveSubscriber,
      kind: 'widget' | 'admin',
      lastEventId: number | null,
      replay: (afterId: number) => Promise<LiveEvent[]>,
    ): Promise<() => void> {
      const a: Attached = { sub, lastId: lastEventId ?? 0, buffer: [] };
      attached.add(a);
      connections.inc({ kind });
      let detached = false;
      const detach = () => {
        if (detached) return;
        detached = true;
        attached.delete(a);
        connections.dec({ kind });
      };
      try {
        if (lastEventId === null) {
          // A first connection starts from now: the transcript was loaded separately.
          a.lastId = Math.max(cursor, await store.latestId());
        } else {
          for (;;) {
            const missed = await replay(a.lastId);
            for (const event of missed) deliver(a, event);
            if (missed.length < 1000) break;
          }
        }
        const buffered = a.buffer ?? [];
        a.buffer = undefined;
        for (const event of buffered) deliver(a, event);
      } catch (err) {
        detach();
        throw err;
      }
      return detach;
    },

    replaySession: (sessionId: string) => (afterId: number) => store.forSession(sessionId, afterId),
    replayAll: (afterId: number) => store.after(afterId),
    latestId: () => store.latestId(),
    transport: () => bus.transport(),
    /** Wakes this replica's reader now (tests; the poll does it anyway). */
    pull,

    /** A one-time ticket for the admin WebSocket, valid for the configured seconds. */
    async createTicket(staff: StaffTicket): Promise<{ ticket: string; expiresInSeconds: number }> {
      const ticket = crypto.randomBytes(32).toString('base64url');
      await db.query(
        `INSERT INTO live_tickets (hash, staff_id, staff_kind, role, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [hashTicket(ticket), staff.staffId, staff.staffKind, staff.role, settings.ticketTtlSeconds],
      );
      return { ticket, expiresInSeconds: settings.ticketTtlSeconds };
    },

    /** Uses a ticket up: the first caller within its lifetime gets the staff member, anyone else null. */
    async redeemTicket(ticket: string): Promise<StaffTicket | null> {
      if (!ticket || ticket.length > 200) return null;
      const [row] = await db.query<{ staff_id: string | null; staff_kind: 'user' | 'token'; role: string }>(
        `UPDATE live_tickets SET used_at = now()
          WHERE hash = $1 AND used_at IS NULL AND expires_at > now()
          RETURNING staff_id, staff_kind, role`,
        [hashTicket(ticket)],
      );
      return row ? { staffId: row.staff_id, staffKind: row.staff_kind, role: row.role } : null;
    },

    /** Drops events past their retention and spent or expired tickets. */
    async purge(): Promise<{ events: number; tickets: number }> {
      const events = await store.purgeOlderThan(settings.eventRetentionHours);
      const tickets = await db.query(
        `DELETE FROM live_tickets WHERE expires_at < now() - interval '1 hour' RETURNING hash`,
      );
      return { events, tickets: tickets.length };
    },
  };
}

export type LiveService = ReturnType<typeof createLiveService>;
