/** Metrics of the file storage: every operation counted by outcome and timed; retries; circuit state. */
import type { Metrics } from '../metrics.js';

export function createStorageMetrics(metrics: Metrics, prefix = 'frontdesk_') {
  const { client, registry } = metrics;
  return {
    operations: new client.Counter({
      name: `${prefix}storage_operations_total`,
      help: 'File storage operations by backend, operation and outcome (ok, error, circuit_open)',
      labelNames: ['backend', 'operation', 'outcome'] as const,
      registers: [registry],
    }),
    duration: new client.Histogram({
      name: `${prefix}storage_operation_duration_seconds`,
      help: 'File storage operation duration, retries included',
      labelNames: ['backend', 'operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    retries: new client.Counter({
      name: `${prefix}storage_retries_total`,
      help: 'Retried file storage calls',
      labelNames: ['backend'] as const,
      registers: [registry],
    }),
    circuitOpen: new client.Gauge({
      name: `${prefix}storage_circuit_open`,
      help: '1 while the circuit breaker of the file storage is open',
      labelNames: ['backend'] as const,
      registers: [registry],
    }),
  };
}

export type StorageMetrics = ReturnType<typeof createStorageMetrics>;
