/**
 * The dashboard's numbers: what is happening now, and conversations, leads, handoffs, conversion,
 * reply time and failed LLM calls over a day, a week or a month. Everything comes from the database,
 * so every replica answers the same.
 */
import type { Database } from '../../platform/db/database.js';
import { createAnalyticsRepository, type Bucket, type LiveNumbers, type Range } from './repository.js';

export type { Range } from './repository.js';

export interface AnalyticsDeps {
  db: Database;
  /** The business's IANA time zone (knowledge/business.yaml): days and hours are counted in it. */
  timezone: () => string;
}

export interface Summary {
  range: Range;
  timezone: string;
  generatedAt: string;
  now: LiveNumbers;
  totals: {
    from: string;
    conversations: number;
    leads: number;
    handoffs: number;
    /** Share of the range's conversations that produced a lead (0–1; null without conversations). */
    conversion: number | null;
    replyP95Seconds: number | null;
    replies: number;
    unanswered: number;
    /** Failed LLM calls in the range, every replica's (table llm_failures). */
    llmErrors: number;
    llmErrorsByKind: Record<string, number>;
  };
  series: Bucket[];
}

export function createAnalyticsService(deps: AnalyticsDeps) {
  const repository = createAnalyticsRepository(deps.db);
  return {
    async summary(range: Range): Promise<Summary> {
      const timezone = deps.timezone();
      const [live, totals, series] = await Promise.all([
        repository.live(timezone),
        repository.totals(range, timezone),
        repository.buckets(range, timezone),
      ]);
      return {
        range,
        timezone,
        generatedAt: new Date().toISOString(),
        now: live,
        totals: {
          from: totals.from,
          conversations: totals.conversations,
          leads: totals.leads,
          handoffs: totals.handoffs,
          conversion:
            totals.conversations === 0
              ? null
              : Math.round((totals.conversationsWithLead / totals.conversations) * 1000) / 1000,
          replyP95Seconds:
            totals.replyP95Seconds === null ? null : Math.round(totals.replyP95Seconds * 100) / 100,
          replies: totals.replies,
          unanswered: totals.unanswered,
          llmErrors: totals.llmErrors,
          llmErrorsByKind: totals.llmErrorsByKind,
        },
        series,
      };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
