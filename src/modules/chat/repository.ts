/** Storage of chat sessions and messages. Each turn is written in one atomic statement. */
import type { QueryRunner } from '../../platform/db/database.js';

export interface SessionRow {
  id: string;
  secretHash: string;
  channel: string;
  locale: string;
  status: string;
  state: unknown;
  version: number;
  messageCount: number;
  /** Live handoff state: null, 'waiting' or 'claimed' (an operator answers; the assistant is silent). */
  handoffStatus: string | null;
}

export interface NewMessage {
  role: 'user' | 'assistant' | 'operator' | 'system';
  text: string;
  meta?: Record<string, unknown> | null;
  /** When the message reached Frontdesk (default: when it is stored). Never later than the database clock. */
  at?: Date;
}

export interface StoredMessage {
  id: string;
  role: NewMessage['role'];
  text: string;
  meta: Record<string, unknown> | null;
  createdAt: Date;
}

const MESSAGES_FROM = (firstParam: number, count: number) =>
  Array.from(
    { length: count },
    (_, i) =>
      `($${firstParam + i * 4}::text, $${firstParam + i * 4 + 1}::text, $${firstParam + i * 4 + 2}::jsonb, ` +
      `$${firstParam + i * 4 + 3}::timestamptz, ${i})`,
  ).join(', ');

function messageParams(messages: NewMessage[]): unknown[] {
  return messages.flatMap((m) => [
    m.role,
    m.text,
    m.meta ? JSON.stringify(m.meta) : null,
    m.at ? m.at.toISOString() : null,
  ]);
}

/** A turn to store: its messages and the session's new state, written only at expectedVersion. */
export interface TurnWrite {
  sessionId: string;
  /** The session version the turn was computed from; the write fails when it changed. */
  expectedVersion: number;
  update: { state: unknown; locale: string; engine: string };
  messages: NewMessage[];
}

const APPEND_TURNS = `WITH t AS (
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

export function createChatRepository(db: QueryRunner) {
  /**
   * Appends several turns in one statement, at most one per session; each is written only if its
   * session is still at its expectedVersion. Returns the sessions whose turn was written.
   */
  async function appendTurns(turns: readonly TurnWrite[]): Promise<Set<string>> {
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
    const rows = await db.query<{ id: string }>(APPEND_TURNS, [
      JSON.stringify(sessions),
      JSON.stringify(messages),
    ]);
    return new Set(rows.map((r) => r.id));
  }

  return {
    async findSession(id: string): Promise<SessionRow | undefined> {
      const [row] = await db.query<{
        id: string;
        secret_hash: string;
        channel: string;
        locale: string;
        status: string;
        state: unknown;
        version: number;
        message_count: number;
        handoff_status: string | null;
      }>(
        `SELECT id, secret_hash, channel, locale, status, state, version, message_count, handoff_status
           FROM chat_sessions WHERE id = $1 AND deleted_at IS NULL`,
        [id],
      );
      if (!row) return undefined;
      return {
        id: row.id,
        secretHash: row.secret_hash,
        channel: row.channel,
        locale: row.locale,
        status: row.status,
        state: row.state,
        version: row.version,
        messageCount: row.message_count,
        handoffStatus: row.handoff_status,
      };
    },

    /** Creates a session together with its first messages, atomically. */
    async createSessionWithMessages(
      session: {
        id: string;
        secretHash: string;
        channel: string;
        locale: string;
        state: unknown;
        engine: string;
      },
      messages: NewMessage[],
    ): Promise<void> {
      await db.query(
        `WITH s AS (
           INSERT INTO chat_sessions (id, secret_hash, channel, locale, state, engine, message_count, version)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, ${messages.length}, 1)
           RETURNING id
         )
         INSERT INTO chat_messages (session_id, role, text, meta, created_at)
         SELECT s.id, m.role, m.text, m.meta, LEAST(COALESCE(m.at, 'infinity'), clock_timestamp()) + make_interval(secs => m.ord / 1000.0)
           FROM s, (VALUES ${MESSAGES_FROM(7, messages.length)}) AS m(role, text, meta, at, ord)`,
        [
          session.id,
          session.secretHash,
          session.channel,
          session.locale,
          JSON.stringify(session.state),
          session.engine,
          ...messageParams(messages),
        ],
      );
    },

    /**
     * Appends messages and saves the new state if the session is still at expectedVersion. Returns
     * false when another turn got there first (the caller reloads and retries).
     */
    async appendTurn(
      sessionId: string,
      expectedVersion: number,
      update: { state: unknown; locale: string; engine: string },
      messages: NewMessage[],
    ): Promise<boolean> {
      const saved = await appendTurns([{ sessionId, expectedVersion, update, messages }]);
      return saved.has(sessionId);
    },

    appendTurns,

    /**
     * The last messages of a conversation as an LLM sees them, oldest first: the customer's, and the
     * business's (assistant and operator). A turn the input guard stopped (the reply's engine is
     * 'guard') is left out with the customer message that caused it.
     */
    async recentHistory(
      sessionId: string,
      limit: number,
    ): Promise<Array<{ role: 'user' | 'assistant'; text: string }>> {
      const rows = await db.query<{ role: NewMessage['role']; text: string; engine: string | null }>(
        `SELECT role, text, meta->>'engine' AS engine FROM chat_messages
          WHERE session_id = $1 AND role IN ('user', 'assistant', 'operator')
          ORDER BY created_at DESC, id DESC LIMIT $2`,
        [sessionId, limit * 2],
      );
      const out: Array<{ role: 'user' | 'assistant'; text: string }> = [];
      let skipCustomer = false;
      for (const row of rows) {
        if (row.role === 'assistant' && row.engine === 'guard') {
          skipCustomer = true;
          continue;
        }
        if (row.role === 'user' && skipCustomer) {
          skipCustomer = false;
          continue;
        }
        skipCustomer = false;
        out.push({ role: row.role === 'user' ? 'user' : 'assistant', text: row.text });
        if (out.length === limit) break;
      }
      return out.reverse();
    },

    async listMessages(sessionId: string, limit = 500): Promise<StoredMessage[]> {
      const rows = await db.query<{
        id: string | number;
        role: NewMessage['role'];
        text: string;
        meta: Record<string, unknown> | null;
        created_at: Date | string;
      }>(
        `SELECT id, role, text, meta, created_at FROM chat_messages
          WHERE session_id = $1 ORDER BY created_at, id LIMIT $2`,
        [sessionId, limit],
      );
      return rows.map((r) => ({
        id: String(r.id),
        role: r.role,
        text: r.text,
        meta: r.meta,
        createdAt: new Date(r.created_at),
      }));
    },

    /** Creates the coming months' message partitions; returns how many were created. */
    async ensurePartitions(monthsAhead: number): Promise<number> {
      const [row] = await db.query<{ n: number }>(
        "SELECT frontdesk_ensure_month_partitions('chat_messages', $1) AS n",
        [monthsAhead],
      );
      return Number(row?.n ?? 0);
    },
  };
}

export type ChatRepository = ReturnType<typeof createChatRepository>;
