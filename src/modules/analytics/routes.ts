/** The dashboard's read API (any staff role; `analytics:read` for API tokens). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/guard.js';
import type { AnalyticsService } from './service.js';

const bucketSchema = z.object({
  start: z.string().describe('Local start of the bucket in the business time zone, `YYYY-MM-DDTHH:MM`'),
  conversations: z.number(),
  leads: z.number(),
  handoffs: z.number(),
});

export const summarySchema = z.object({
  range: z.enum(['day', 'week', 'month']),
  timezone: z.string(),
  generatedAt: z.string(),
  now: z.object({
    activeConversations: z.number(),
    handoffsWaiting: z.number(),
    conversationsToday: z.number(),
    leadsToday: z.number(),
  }),
  totals: z.object({
    from: z.string(),
    conversations: z.number(),
    leads: z.number(),
    handoffs: z.number(),
    conversion: z.number().nullable().describe('Conversations that produced a lead / conversations (0–1)'),
    replyP95Seconds: z
      .number()
      .nullable()
      .describe('95th percentile of the time from a customer message to the reply'),
    replies: z.number(),
    unanswered: z.number().describe('Assistant replies with intent unknown or out_of_scope'),
    llmErrors: z.number().describe('Failed LLM calls in the range, on every replica'),
    llmErrorsByKind: z
      .record(z.string(), z.number())
      .describe('Failed LLM calls in the range by kind: timeout, server, rate_limited, breaker_open, …'),
  }),
  series: z.array(bucketSchema),
});

export function analyticsRoutes(deps: { analytics: AnalyticsService }): FastifyPluginAsync {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/admin/analytics/summary',
      {
        onRequest: requireRole('viewer', { scope: 'analytics:read' }),
        schema: {
          tags: ['analytics'],
          summary: 'Dashboard numbers: now, and totals and a series over the last day, week or month',
          querystring: z.strictObject({ range: z.enum(['day', 'week', 'month']).default('day') }),
          response: { 200: summarySchema },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return deps.analytics.summary(request.query.range);
      },
    );
  };
}
