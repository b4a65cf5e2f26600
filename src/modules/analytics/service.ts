/**
 * The dashboard's numbers: what is happening now, and conversations, leads, handoffs, conversion and
 * reply time over a day, a week or a month.
 */
import type { Database } from '../../platform/db/database.js';
import type { Metrics } from '../../platform/metrics.js';
import { createAnalyticsRepository, type Bucket, type LiveNumbers, type Range } from './repository.js';

export type { Range } from './repository.js';

export interface AnalyticsDeps {
  db: Database;
  metrics: Metrics;
  /** The business's IANA time zone (knowledge/business.yaml): days and hours are counted in it. */
  timezone: () => string;
}

export interface Summary {
  range: Range;
  timezone: string;
  generatedAt: string;
  now: LiveNumbers & { llmErrors: number };
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
  };
  series: Bucket[];
}

/** LLM call failures counted by this server process since it started (frontdesk_llm_errors_total). */
async function llmErrors(metrics: Metrics): Promise<number> {
  const metric = metrics.registry.getSingleMetric('frontdesk_llm_errors_total');
  if (!metric) return 0;
  const value = await metric.get();
  return value.values.reduce((sum, v) => sum + v.value, 0);
}

export function createAnalyticsService(deps: AnalyticsDeps) {
  const repository = createAnalyticsRepository(deps.db);
  return {
    async summary(range: Range): Promise<Summary> {
      const timezone = deps.timezone();
      const [live, totals, series, errors] = await Promise.all([
        repository.live(timezone),
        repository.totals(range, timezone),
        repository.buckets(range, timezone),
        llmErrors(deps.metrics),
      ]);
      return {
        range,
        timezone,
        generatedAt: new Date().toISOString(),
        now: { ...live, llmErrors: errors },
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
        },
        series,
      };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
