/**
 * The live event log (table live_events). Every stored event gets an id from one global sequence;
 * inserts take one transaction-scoped advisory lock, so ids become visible in commit order. A client
 * that resumes from `lastEventId` therefore gets exactly the events after it: none skipped because a
 * lower id committed late, none twice.
 */
import type { Database, QueryRunner } from '../../platform/db/database.js';

/** Who sees an event: the customer's widget and staff, or staff only. */
export type Audience = 'all' | 'staff';

export interface NewLiveEvent {
  sessionId: string | null;
  audience: Audience;
  type: string;
  data: Record<string, unknown>;
}

export interface LiveEvent extends NewLiveEvent {
  /** null for ephemeral events (typing), which are not stored and not replayed. */
  id: number | null;
  at: string;
}

/** The advisory lock that orders event inserts (an arbitrary constant, "live" in ASCII). */
const EVENT_ORDER_LOCK = 0x6c697665;

type Row = {
  id: string | number;
  session_id: string | null;
  audience: Audience;
  type: string;
  payload: Record<string, unknown>;
  created_at: Date | string;
};

const toEvent = (r: Row): LiveEvent => ({
  id: Number(r.id),
  sessionId: r.session_id,
  audience: r.audience,
  type: r.type,
  data: r.payload,
  at: new Date(r.created_at).toISOString(),
});

export function createEventStore(db: Database) {
  return {
    /** Stores events; must run inside the caller's transaction (the lock is held until it commits). */
    async record(tx: QueryRunner, events: NewLiveEvent[]): Promise<LiveEvent[]> {
      if (events.length === 0) return [];
      await tx.query('SELECT pg_advisory_xact_lock($1)', [EVENT_ORDER_LOCK]);
      // One statement for the whole batch; ids are assigned in the order of the arrays.
      // Only the ids come back (the events are known); they are assigned in the order of the arrays.
      const rows = await tx.query<{ id: string | number; created_at: Date | string }>(
        `INSERT INTO live_events (session_id, audience, type, payload)
         SELECT u.session_id, u.audience, u.type, u.payload::jsonb
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
                AS u(session_id, audience, type, payload, ord)
          ORDER BY u.ord
         RETURNING id, created_at`,
        [
          events.map((e) => e.sessionId ?? null),
          events.map((e) => e.audience),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
        ],
      );
      const stored = rows
        .map((r) => ({ id: Number(r.id), at: new Date(r.created_at).toISOString() }))
        .sort((a, b) => a.id - b.id);
      return events.map((e, i) => ({
        id: stored[i]!.id,
        sessionId: e.sessionId ?? null,
        audience: e.audience,
        type: e.type,
        data: e.data,
        at: stored[i]!.at,
      }));
    },

    async latestId(): Promise<number> {
      const [row] = await db.query<{ id: string | number | null }>('SELECT max(id) AS id FROM live_events');
      return Number(row?.id ?? 0);
    },

    /** Every event after `afterId`, in id order (what a replica dispatches). */
    async after(afterId: number, limit = 1000): Promise<LiveEvent[]> {
      const rows = await db.query<Row>(
        `SELECT id, session_id, audience, type, payload, created_at FROM live_events
          WHERE id > $1 ORDER BY id LIMIT $2`,
        [afterId, limit],
      );
      return rows.map(toEvent);
    },

    /** The customer-visible events of one conversation after `afterId` (widget resume). */
    async forSession(sessionId: string, afterId: number, limit = 1000): Promise<LiveEvent[]> {
      const rows = await db.query<Row>(
        `SELECT id, session_id, audience, type, payload, created_at FROM live_events
          WHERE session_id = $1 AND audience = 'all' AND id > $2 ORDER BY id LIMIT $3`,
        [sessionId, afterId, limit],
      );
      return rows.map(toEvent);
    },

    async purgeOlderThan(hours: number): Promise<number> {
      const rows = await db.query(
        `DELETE FROM live_events WHERE created_at < now() - make_interval(hours => $1) RETURNING id`,
        [hours],
      );
      return rows.length;
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
