/**
 * A circuit breaker that reports itself: its state as a gauge value (0 closed, 1 open, 2 half-open),
 * each opening, and whether it would let a call through now. Every outbound adapter builds its
 * breaker here, with its own metrics and log lines.
 */
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';

export interface BreakerSettings {
  /** Consecutive failures that open it. */
  failures: number;
  /** How long it stays open before letting one trial call through. */
  halfOpenAfterMs: number;
}

export interface BreakerObserver {
  /** 0 closed, 1 open, 2 half-open. */
  state(value: 0 | 1 | 2): void;
  opened(): void;
  closed(): void;
}

export interface ObservedBreaker {
  policy: CircuitBreakerPolicy;
  stateName(): 'closed' | 'open' | 'half-open';
  /** False while it is open and its half-open time has not come: calls would be refused at once. */
  isAvailable(): boolean;
}

export function observedBreaker(
  shouldHandle: (err: Error) => boolean,
  settings: BreakerSettings,
  observer: BreakerObserver,
): ObservedBreaker {
  const policy = circuitBreaker(handleWhen(shouldHandle), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.failures),
  });
  let openedAt: number | undefined;
  observer.state(0);
  policy.onBreak(() => {
    openedAt = Date.now();
    observer.state(1);
    observer.opened();
  });
  policy.onHalfOpen(() => observer.state(2));
  policy.onReset(() => {
    openedAt = undefined;
    observer.state(0);
    observer.closed();
  });
  return {
    policy,
    stateName() {
      if (policy.state === CircuitState.Closed) return 'closed';
      return policy.state === CircuitState.HalfOpen ? 'half-open' : 'open';
    },
    isAvailable() {
      if (policy.state !== CircuitState.Open) return true;
      return openedAt === undefined || Date.now() - openedAt >= settings.halfOpenAfterMs;
    },
  };
}
