/**
 * The live side of conversations, for the handoff module: operator and silent customer messages,
 * handoff state, idle nudges and timeouts, and the staff view of conversations. Every UPDATE of
 * chat_sessions bumps `version`, so the chat service's session cache notices the change.
 */
import type { Database, QueryRunner } from '../../platform/db/database.js';

export interface LiveMessage {
  id: string;
  role: 'user' | 'assistant' | 'operator' | 'system';
  text: string;
  createdAt: string;
  meta: Record<string, unknown> | null;
}

export interface ConversationSummary {
  sessionId: string;
  channel: string;
  locale: string;
  status: string;
  endReason: string | null;
  handoffStatus: string | null;
  messageCount: number;
  createdAt: string;
  lastActivityAt: string;
  endedAt: string | null;
}

export interface ConversationFilters {
  status?: 'active' | 'ended';
  hasHandoff?: boolean;
  from?: Date;
  to?: Date;
  search?: string;
  limit: number;
  before?: string;
}

type MessageRow = {
  id: string | number;
  role: LiveMessage['role'];
  text: string;
  meta: Record<string, unknown> | null;
  created_at: Date | string;
};

const toMessage = (r: MessageRow): LiveMessage => ({
  id: String(r.id),
  role: r.role,
  text: r.text,
  meta: r.meta,
  createdAt: new Date(r.created_at).toISOString(),
});

type SessionRow = {
  id: string;
  channel: string;
  locale: string;
  status: string;
  end_reason: string | null;
  handoff_status: string | null;
  message_count: number;
  created_at: Date | string;
  last_activity_at: Date | string;
  ended_at: Date | string | null;
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const toSummary = (r: SessionRow): ConversationSummary => ({
  sessionId: r.id,
  channel: r.channel,
  locale: r.locale,
  status: r.status,
  endReason: r.end_reason,
  handoffStatus: r.handoff_status,
  messageCount: Number(r.message_count),
  createdAt: new Date(r.created_at).toISOString(),
  lastActivityAt: new Date(r.last_activity_at).toISOString(),
  endedAt: iso(r.ended_at),
});

const SESSION_COLUMNS = `id, channel, locale, status, end_reason, handoff_status, message_count, created_at,
  last_activity_at, ended_at`;

export function createConversationControl(db: Database) {
  /** Adds one message and bumps the session; `activity` also resets the idle clock and reopens it. */
  async function addMessage(
    q: QueryRunner,
    sessionId: string,
    message: { role: LiveMessage['role']; text: string; meta?: Record<string, unknown> },
    options: { expectedVersion?: number; activity: boolean },
  ): Promise<LiveMessage | undefined> {
    const activity = options.activity
      ? `, last_activity_at = now(), status = 'active', end_reason = NULL, ended_at = NULL`
      : '';
    const rows = await q.query<MessageRow>(
      `WITH s AS (
         UPDATE chat_sessions SET message_count = message_count + 1, version = version + 1,
                updated_at = now()${activity}
          WHERE id = $1 AND deleted_at IS NULL AND ($5::int IS NULL OR version = $5::int)
          RETURNING id
       )
       INSERT INTO chat_messages (session_id, role, text, meta, created_at)
       SELECT s.id, $2, $3, $4::jsonb, clock_timestamp() FROM s
       RETURNING id, role, text, meta, created_at`,
      [
        sessionId,
        message.role,
        message.text,
        message.meta ? JSON.stringify(message.meta) : null,
        options.expectedVersion ?? null,
      ],
    );
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  return {
    /**
     * Stores a customer message without an assistant reply (an operator owns the conversation).
     * Returns undefined when the session changed since `expectedVersion` was read.
     */
    addCustomerMessage: (q: QueryRunner, sessionId: string, expectedVersion: number, text: string) =>
      addMessage(q, sessionId, { role: 'user', text }, { expectedVersion, activity: true }),

    addOperatorMessage: (q: QueryRunner, sessionId: string, text: string, operatorId: string | null) =>
      addMessage(q, sessionId, { role: 'operator', text, meta: { operatorId } }, { activity: true }),

    /** A notice in the transcript (handoff status, off-hours note) that does not reset the idle clock. */
    addNotice: (
      q: QueryRunner,
      sessionId: string,
      role: 'assistant' | 'system',
      text: string,
      meta: object,
    ) => addMessage(q, sessionId, { role, text, meta: { ...meta } }, { activity: false }),

    async setHandoffStatus(
      q: QueryRunner,
      sessionId: string,
      status: 'waiting' | 'claimed' | null,
    ): Promise<void> {
      await q.query(
        `UPDATE chat_sessions SET handoff_status = $2, version = version + 1, updated_at = now()
          WHERE id = $1`,
        [sessionId, status],
      );
    },

    /**
     * Marks idle active web conversations as nudged, once per idle period: the conditional UPDATE lets
     * exactly one of several concurrent sweeps win each session. Returns the sessions to nudge.
     */
    async claimNudges(
      q: QueryRunner,
      idleMinutes: number,
      limit = 500,
    ): Promise<Array<{ sessionId: string; locale: string }>> {
      const rows = await q.query<{ id: string; locale: string }>(
        `UPDATE chat_sessions SET nudged_at = now(), version = version + 1, updated_at = now()
          WHERE id IN (
            SELECT id FROM chat_sessions
             WHERE status = 'active' AND channel = 'web' AND deleted_at IS NULL
               AND handoff_status IS DISTINCT FROM 'claimed'
               AND last_activity_at < now() - make_interval(mins => $1)
               AND (nudged_at IS NULL OR nudged_at < last_activity_at)
             ORDER BY last_activity_at LIMIT $2)
            AND status = 'active'
            AND last_activity_at < now() - make_interval(mins => $1)
            AND (nudged_at IS NULL OR nudged_at < last_activity_at)
          RETURNING id, locale`,
        [idleMinutes, limit],
      );
      return rows.map((r) => ({ sessionId: r.id, locale: r.locale }));
    },

    /** Ends conversations idle for longer than idleMinutes (reason timeout); returns their ids. */
    async endIdle(q: QueryRunner, idleMinutes: number, limit = 500): Promise<string[]> {
      const rows = await q.query<{ id: string }>(
        `UPDATE chat_sessions
            SET status = 'ended', end_reason = 'timeout', ended_at = now(), handoff_status = NULL,
                version = version + 1, updated_at = now()
          WHERE id IN (
            SELECT id FROM chat_sessions
             WHERE status = 'active' AND deleted_at IS NULL
               AND last_activity_at < now() - make_interval(mins => $1)
             ORDER BY last_activity_at LIMIT $2)
            AND status = 'active'
            AND last_activity_at < now() - make_interval(mins => $1)
          RETURNING id`,
        [idleMinutes, limit],
      );
      return rows.map((r) => r.id);
    },

    async session(sessionId: string, q: QueryRunner = db): Promise<ConversationSummary | undefined> {
      const [row] = await q.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM chat_sessions WHERE id = $1 AND deleted_at IS NULL`,
        [sessionId],
      );
      return row ? toSummary(row) : undefined;
    },

    async messages(sessionId: string, limit = 1000): Promise<LiveMessage[]> {
      const rows = await db.query<MessageRow>(
        `SELECT id, role, text, meta, created_at FROM chat_messages
          WHERE session_id = $1 ORDER BY created_at, id LIMIT $2`,
        [sessionId, limit],
      );
      return rows.map(toMessage);
    },

    /** Newest first; `before` is the lastActivityAt of the previous page's last row. */
    async list(filters: ConversationFilters): Promise<ConversationSummary[]> {
      const where: string[] = ['s.deleted_at IS NULL'];
      const params: unknown[] = [];
      const add = (clause: string, value: unknown) => {
        params.push(value);
        where.push(clause.replace('$?', `$${params.length}`));
      };
      if (filters.status) add('s.status = $?', filters.status);
      if (filters.from) add('s.created_at >= $?', filters.from);
      if (filters.to) add('s.created_at < $?', filters.to);
      if (filters.before) add('s.last_activity_at < $?', new Date(filters.before));
      if (filters.hasHandoff !== undefined) {
        where.push(
          `${filters.hasHandoff ? '' : 'NOT '}EXISTS (SELECT 1 FROM handoffs h WHERE h.session_id = s.id)`,
        );
      }
      if (filters.search) {
        add(
          `(s.id = $? OR EXISTS (SELECT 1 FROM chat_messages m WHERE m.session_id = s.id
             AND m.text ILIKE '%' || $? || '%'))`,
          filters.search,
        );
        // The same parameter serves both places.
        const last = where.length - 1;
        where[last] = (where[last] ?? '').replaceAll(/\$\?/g, `$${params.length}`);
      }
      params.push(filters.limit);
      const rows = await db.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS.split(',')
          .map((c) => `s.${c.trim()}`)
          .join(', ')}
           FROM chat_sessions s WHERE ${where.join(' AND ')}
          ORDER BY s.last_activity_at DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toSummary);
    },
  };
}

export type ConversationControl = ReturnType<typeof createConversationControl>;
