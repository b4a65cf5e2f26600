/**
 * Failed LLM calls, one row each (src/modules/assistant/llm/failure-log.ts): what the dashboard counts
 * for a period, the same on every replica. No message text; deleted after 90 days by the retention job.
 */
import { bigserial, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const llmFailures = pgTable(
  'llm_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** When the call failed. */
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The slot of the LLM in the chain: primary, secondary. */
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    /** rate_limited, server, client, network, timeout, first_token_timeout, malformed, empty, breaker_open, unknown */
    kind: text('kind').notNull(),
    /** The HTTP status the provider answered, when it answered with an error status. */
    httpStatus: integer('http_status'),
    /** The conversation whose turn the call was for (null outside a chat turn). */
    sessionId: text('session_id'),
  },
  (t) => [index('llm_failures_at_idx').on(t.at), index('llm_failures_session_idx').on(t.sessionId)],
);
