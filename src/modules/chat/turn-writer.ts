/**
 * Writes conversation turns in groups. While one group is being written, the turns that arrive
 * wait and then go to the database together in one statement: under load the database commits once
 * for many turns instead of once per turn, and a quiet server still writes each turn at once. Every
 * turn keeps its own versioned check, and a caller hears back only after its turn is committed.
 */
import type { QueryRunner } from '../../platform/db/database.js';
import { createChatRepository, type NewMessage } from './repository.js';

export interface TurnWrite {
  sessionId: string;
  /** The session version the turn was computed from; the write fails when it changed. */
  expectedVersion: number;
  update: { state: unknown; locale: string; engine: string };
  messages: NewMessage[];
}

interface Pending {
  turn: TurnWrite;
  resolve: (saved: boolean) => void;
  reject: (err: unknown) => void;
}

export interface TurnWriterOptions {
  /** Most turns in one statement. */
  maxBatch?: number;
  /** Most statements in flight at once. */
  maxInFlight?: number;
}

const WRITE_BATCH = `WITH t AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS t(id text, version integer, state jsonb, locale text, engine text, n integer)
), s AS (
  UPDATE chat_sessions c
     SET state = t.state, locale = t.locale, engine = t.engine, version = c.version + 1,
         message_count = c.message_count + t.n,
         status = 'active', end_reason = NULL, ended_at = NULL,
         last_activity_at = now(), updated_at = now()
    FROM t
   WHERE c.id = t.id AND c.version = t.version
  RETURNING c.id
), m AS (
  INSERT INTO chat_messages (session_id, role, text, meta, created_at)
  SELECT m.session_id, m.role, m."text", m.meta,
         LEAST(COALESCE(m.at, 'infinity'), clock_timestamp()) + make_interval(secs => m.ord / 1000.0)
    FROM jsonb_to_recordset($2::jsonb)
      AS m(session_id text, role text, "text" text, meta jsonb, at timestamptz, ord integer)
    JOIN s ON s.id = m.session_id
  RETURNING 1
)
SELECT id FROM s`;

export function createTurnWriter(db: QueryRunner, options: TurnWriterOptions = {}) {
  const maxBatch = options.maxBatch ?? 64;
  const maxInFlight = options.maxInFlight ?? 1;
  const single = createChatRepository(db);
  const queue: Pending[] = [];
  let inFlight = 0;

  const writeOne = (turn: TurnWrite) =>
    single.appendTurn(turn.sessionId, turn.expectedVersion, turn.update, turn.messages);

  /** The next group: oldest first, at most one turn per session (a statement updates a row once). */
  function take(): Pending[] {
    const batch: Pending[] = [];
    const sessions = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < maxBatch;) {
      const pending = queue[i] as Pending;
      if (sessions.has(pending.turn.sessionId)) {
        i++;
        continue;
      }
      sessions.add(pending.turn.sessionId);
      batch.push(pending);
      queue.splice(i, 1);
    }
    return batch;
  }

  async function writeMany(batch: Pending[]): Promise<void> {
    const turns = batch.map((p) => p.turn).sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1));
    const sessions = turns.map((t) => ({
      id: t.sessionId,
      version: t.expectedVersion,
      state: t.update.state,
      locale: t.update.locale,
      engine: t.update.engine,
      n: t.messages.length,
    }));
    const messages = turns.flatMap((t) =>
      t.messages.map((m, ord) => ({
        session_id: t.sessionId,
        role: m.role,
        text: m.text,
        meta: m.meta ?? null,
        at: m.at ? m.at.toISOString() : null,
        ord,
      })),
    );
    let saved: Set<string>;
    try {
      const rows = await db.query<{ id: string }>(WRITE_BATCH, [
        JSON.stringify(sessions),
        JSON.stringify(messages),
      ]);
      saved = new Set(rows.map((r) => r.id));
    } catch {
      // One turn must not fail the others (a deadlock with another replica, a bad row): each is
      // written on its own and hears its own outcome.
      await Promise.all(
        batch.map((p) =>
          writeOne(p.turn).then(
            (ok) => p.resolve(ok),
            (err: unknown) => p.reject(err),
          ),
        ),
      );
      return;
    }
    for (const p of batch) p.resolve(saved.has(p.turn.sessionId));
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = take();
      inFlight++;
      const done = () => {
        inFlight--;
        pump();
      };
      if (batch.length === 1) {
        const [p] = batch as [Pending];
        void writeOne(p.turn).then(p.resolve, p.reject).finally(done);
      } else {
        void writeMany(batch).finally(done);
      }
    }
  }

  return {
    /** Appends the turn's messages and saves its state; false when the session moved on meanwhile. */
    write(turn: TurnWrite): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ turn, resolve, reject });
        pump();
      });
    },
  };
}

export type TurnWriter = ReturnType<typeof createTurnWriter>;
