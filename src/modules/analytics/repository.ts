/**
 * Read-only aggregates over the conversation, lead, handoff and LLM failure tables for the dashboard.
 * Buckets and "today" follow the business's time zone.
 */
import type { Database } from '../../platform/db/database.js';

export type Range = 'day' | 'week' | 'month';

/** day: the last 24 hours by hour; week: the last 7 days by day; month: the last 30 days by day. */
const RANGES: Record<Range, { unit: 'hour' | 'day'; buckets: number; step: string }> = {
  day: { unit: 'hour', buckets: 24, step: '1 hour' },
  week: { unit: 'day', buckets: 7, step: '1 day' },
  month: { unit: 'day', buckets: 30, step: '1 day' },
};

export interface Bucket {
  start: string;
  conversations: number;
  leads: number;
  handoffs: number;
}

export interface RangeTotals {
  from: string;
  conversations: number;
  conversationsWithLead: number;
  leads: number;
  handoffs: number;
  replies: number;
  replyP95Seconds: number | null;
  unanswered: number;
  llmErrors: number;
  /** Failed LLM calls of the range by kind (timeout, server, breaker_open, …). */
  llmErrorsByKind: Record<string, number>;
}

export interface LiveNumbers {
  activeConversations: number;
  handoffsWaiting: number;
  conversationsToday: number;
  leadsToday: number;
}

const n = (value: unknown) => Number(value ?? 0);

function llmErrorsOf(value: unknown): { llmErrors: number; llmErrorsByKind: Record<string, number> } {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const byKind: Record<string, number> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [kind, count] of Object.entries(parsed)) byKind[kind] = n(count);
  }
  return { llmErrors: Object.values(byKind).reduce((sum, c) => sum + c, 0), llmErrorsByKind: byKind };
}

export function createAnalyticsRepository(db: Database) {
  return {
    async buckets(range: Range, timezone: string): Promise<Bucket[]> {
      const { unit, buckets, step } = RANGES[range];
      const rows = await db.query<{ start: string; conversations: string; leads: string; handoffs: string }>(
        `WITH b AS (
           SELECT g AS local_start,
                  g AT TIME ZONE $2 AS lo,
                  (g + $4::interval) AT TIME ZONE $2 AS hi
             FROM generate_series(
                    date_trunc($1, now() AT TIME ZONE $2) - ($3::int - 1) * $4::interval,
                    date_trunc($1, now() AT TIME ZONE $2),
                    $4::interval) AS g
         )
         SELECT to_char(b.local_start, 'YYYY-MM-DD"T"HH24:MI') AS start,
                (SELECT count(*) FROM chat_sessions s WHERE s.created_at >= b.lo AND s.created_at < b.hi) AS conversations,
                (SELECT count(*) FROM leads l WHERE l.created_at >= b.lo AND l.created_at < b.hi) AS leads,
                (SELECT count(*) FROM handoffs h WHERE h.created_at >= b.lo AND h.created_at < b.hi) AS handoffs
           FROM b
          ORDER BY b.local_start`,
        [unit, timezone, buckets, step],
      );
      return rows.map((r) => ({
        start: r.start,
        conversations: n(r.conversations),
        leads: n(r.leads),
        handoffs: n(r.handoffs),
      }));
    },

    async totals(range: Range, timezone: string): Promise<RangeTotals> {
      const { unit, buckets, step } = RANGES[range];
      const [row] = await db.query<Record<string, unknown>>(
        `WITH r AS (
           SELECT (date_trunc($1, now() AT TIME ZONE $2) - ($3::int - 1) * $4::interval) AT TIME ZONE $2 AS lo
         ),
         s AS (SELECT id FROM chat_sessions, r WHERE created_at >= r.lo),
         m AS (
           SELECT role, created_at,
                  lead(role) OVER w AS next_role,
                  lead(created_at) OVER w AS next_at
             FROM chat_messages, r
            WHERE created_at >= r.lo
           WINDOW w AS (PARTITION BY session_id ORDER BY created_at, id)
         ),
         replies AS (
           SELECT extract(epoch FROM next_at - created_at) AS seconds
             FROM m
            WHERE role = 'user' AND next_role IN ('assistant', 'operator')
         )
         SELECT (SELECT lo FROM r) AS "from",
                (SELECT count(*) FROM s) AS conversations,
                (SELECT count(*) FROM s WHERE EXISTS (SELECT 1 FROM leads l WHERE l.session_id = s.id)) AS with_lead,
                (SELECT count(*) FROM leads, r WHERE created_at >= r.lo) AS leads,
                (SELECT count(*) FROM handoffs, r WHERE created_at >= r.lo) AS handoffs,
                (SELECT count(*) FROM replies) AS replies,
                (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) FROM replies) AS p95,
                (SELECT count(*) FROM chat_messages, r
                  WHERE created_at >= r.lo AND role = 'assistant'
                    AND meta->>'intent' IN ('unknown', 'out_of_scope')) AS unanswered,
                (SELECT coalesce(jsonb_object_agg(kind, n), '{}'::jsonb)
                   FROM (SELECT kind, count(*) AS n FROM llm_failures, r WHERE at >= r.lo GROUP BY kind) k
                ) AS llm_errors`,
        [unit, timezone, buckets, step],
      );
      const from = row?.['from'];
      return {
        from: from instanceof Date ? from.toISOString() : new Date(String(from)).toISOString(),
        conversations: n(row?.['conversations']),
        conversationsWithLead: n(row?.['with_lead']),
        leads: n(row?.['leads']),
        handoffs: n(row?.['handoffs']),
        replies: n(row?.['replies']),
        replyP95Seconds: row?.['p95'] === null || row?.['p95'] === undefined ? null : Number(row['p95']),
        unanswered: n(row?.['unanswered']),
        ...llmErrorsOf(row?.['llm_errors']),
      };
    },

    async live(timezone: string): Promise<LiveNumbers> {
      const [row] = await db.query<Record<string, unknown>>(
        `WITH t AS (SELECT date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 AS today)
         SELECT (SELECT count(*) FROM chat_sessions WHERE status = 'active') AS active,
                (SELECT count(*) FROM handoffs WHERE status = 'waiting') AS waiting,
                (SELECT count(*) FROM chat_sessions, t WHERE created_at >= t.today) AS conversations_today,
                (SELECT count(*) FROM leads, t WHERE created_at >= t.today) AS leads_today`,
        [timezone],
      );
      return {
        activeConversations: n(row?.['active']),
        handoffsWaiting: n(row?.['waiting']),
        conversationsToday: n(row?.['conversations_today']),
        leadsToday: n(row?.['leads_today']),
      };
    },
  };
}

export type AnalyticsRepository = ReturnType<typeof createAnalyticsRepository>;
