/** Metrics of the LLM engine and the guards (names start with frontdesk_llm_ and frontdesk_assistant_). */
import type { Metrics } from '../../../platform/metrics.js';

export type AssistantMetrics = ReturnType<typeof createAssistantMetrics>;

export function createAssistantMetrics(metrics: Metrics) {
  const c = metrics.client;
  const registers = [metrics.registry];
  return {
    calls: new c.Counter({
      name: 'frontdesk_llm_calls_total',
      help: 'LLM calls by provider slot (primary, secondary), model and outcome (ok, error, timeout, rejected: breaker open)',
      labelNames: ['provider', 'model', 'outcome'] as const,
      registers,
    }),
    errors: new c.Counter({
      name: 'frontdesk_llm_errors_total',
      help: 'Failed LLM calls by kind: rate_limited, server, client, network, timeout, first_token_timeout, malformed, empty, breaker_open',
      labelNames: ['provider', 'kind'] as const,
      registers,
    }),
    timeouts: new c.Counter({
      name: 'frontdesk_llm_timeouts_total',
      help: 'LLM calls stopped by a timeout: whole (LLM_TIMEOUT_MS) or first_token (LLM_FIRST_TOKEN_TIMEOUT_MS)',
      labelNames: ['provider', 'kind'] as const,
      registers,
    }),
    latency: new c.Histogram({
      name: 'frontdesk_llm_call_duration_seconds',
      help: 'Duration of LLM calls (whole reply, tool steps included)',
      labelNames: ['provider', 'model'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers,
    }),
    firstToken: new c.Histogram({
      name: 'frontdesk_llm_first_token_seconds',
      help: 'Time to the first streamed token of an LLM reply',
      labelNames: ['provider', 'model'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15],
      registers,
    }),
    tokens: new c.Counter({
      name: 'frontdesk_llm_tokens_total',
      help: 'Tokens used by direction (input, output)',
      labelNames: ['provider', 'model', 'direction'] as const,
      registers,
    }),
    cost: new c.Counter({
      name: 'frontdesk_llm_cost_usd_total',
      help: 'Cost of LLM calls in USD (prices from LLM_PRICES)',
      labelNames: ['provider', 'model'] as const,
      registers,
    }),
    breakerState: new c.Gauge({
      name: 'frontdesk_llm_breaker_state',
      help: 'Circuit breaker of each LLM: 0 closed, 1 open, 2 half-open',
      labelNames: ['provider'] as const,
      registers,
    }),
    breakerTrips: new c.Counter({
      name: 'frontdesk_llm_breaker_trips_total',
      help: 'Times the circuit breaker of an LLM opened',
      labelNames: ['provider'] as const,
      registers,
    }),
    fallbacks: new c.Counter({
      name: 'frontdesk_assistant_fallbacks_total',
      help: 'Turns answered by a later engine of the chain because an earlier one failed',
      labelNames: ['from', 'to'] as const,
      registers,
    }),
    toolCalls: new c.Counter({
      name: 'frontdesk_llm_tool_calls_total',
      help: 'Tool calls made by the LLM, by tool and outcome (ok, refused, invalid)',
      labelNames: ['tool', 'outcome'] as const,
      registers,
    }),
    inputBlocked: new c.Counter({
      name: 'frontdesk_assistant_input_blocked_total',
      help: 'Customer messages stopped by the input guard, by attack category',
      labelNames: ['category'] as const,
      registers,
    }),
    outputBlocked: new c.Counter({
      name: 'frontdesk_assistant_output_blocked_total',
      help: 'Replies withheld by the output guard, by engine and problem',
      labelNames: ['engine', 'problem'] as const,
      registers,
    }),
  };
}
