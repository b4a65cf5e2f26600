/**
 * Every call to an outside provider goes through one policy per provider: a timeout per try, a few
 * quick retries for transient failures, and a circuit breaker that stops calling a provider that keeps
 * failing (its deliveries then wait in the queue instead of piling up on a dead peer). All of it is
 * visible in metrics.
 */
import {
  BrokenCircuitError,
  ExponentialBackoff,
  TimeoutStrategy,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { observedBreaker } from '../../platform/breaker.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';

/** A provider's answer that retrying will not change (a 4xx other than 408/429, bad data). */
export class PermanentProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentProviderError';
  }
}

/** A failure worth retrying (network, timeout, 5xx, 408, 429). */
export class TransientProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientProviderError';
  }
}

export interface ResilienceSettings {
  timeoutMs: number;
  retries: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
}

export interface ProviderPolicy {
  readonly name: string;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** False while the breaker is open and not yet due for a trial call. */
  isAvailable(): boolean;
  /** The circuit breaker now: `closed`, `open` (calls refused) or `half-open` (one trial call). */
  breakerState(): BreakerState;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export type IntegrationMetrics = ReturnType<typeof createIntegrationMetrics>;

export function createIntegrationMetrics(metrics: Metrics) {
  const c = metrics.client;
  const registers = [metrics.registry];
  return {
    calls: new c.Counter({
      name: 'frontdesk_integration_calls_total',
      help: 'Calls to outside providers, by adapter and outcome (ok, error, timeout, rejected: breaker open)',
      labelNames: ['adapter', 'outcome'] as const,
      registers,
    }),
    duration: new c.Histogram({
      name: 'frontdesk_integration_call_duration_seconds',
      help: 'Duration of calls to outside providers, by adapter',
      labelNames: ['adapter'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    breakerState: new c.Gauge({
      name: 'frontdesk_integration_breaker_state',
      help: 'Circuit breaker of each adapter: 0 closed, 1 open, 2 half-open',
      labelNames: ['adapter'] as const,
      registers,
    }),
    breakerTrips: new c.Counter({
      name: 'frontdesk_integration_breaker_trips_total',
      help: 'Times the circuit breaker of an adapter opened',
      labelNames: ['adapter'] as const,
      registers,
    }),
  };
}

const isTransient = (err: Error) =>
  !(err instanceof PermanentProviderError) && !(err instanceof BrokenCircuitError);

export function createProviderPolicy(
  name: string,
  settings: ResilienceSettings,
  metrics: IntegrationMetrics,
  logger: Logger,
): ProviderPolicy {
  const breaker = observedBreaker(
    isTransient,
    { failures: settings.breakerFailures, halfOpenAfterMs: settings.breakerHalfOpenMs },
    {
      state: (value) => metrics.breakerState.set({ adapter: name }, value),
      opened: () => {
        metrics.breakerTrips.inc({ adapter: name });
        logger.warn({ adapter: name }, 'circuit breaker opened: deliveries to this provider wait');
      },
      closed: () => logger.info({ adapter: name }, 'circuit breaker closed: provider answers again'),
    },
  );
  const retries = retry(handleWhen(isTransient), {
    maxAttempts: settings.retries,
    backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2_000 }),
  });
  const perTry = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
  const policy = wrap(retries, breaker.policy, perTry);

  return {
    name,
    async execute(fn) {
      return policy
        .execute(async ({ signal }) => {
          const end = metrics.duration.startTimer({ adapter: name });
          try {
            const result = await fn(signal);
            metrics.calls.inc({ adapter: name, outcome: 'ok' });
            return result;
          } catch (err) {
            metrics.calls.inc({ adapter: name, outcome: signal.aborted ? 'timeout' : 'error' });
            throw err;
          } finally {
            end();
          }
        })
        .catch((err: unknown) => {
          if (err instanceof BrokenCircuitError) metrics.calls.inc({ adapter: name, outcome: 'rejected' });
          throw err;
        });
    },
    breakerState: () => breaker.stateName(),
    isAvailable: () => breaker.isAvailable(),
  };
}
