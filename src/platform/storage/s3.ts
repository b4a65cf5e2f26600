/**
 * S3-compatible object storage over plain HTTP (fetch) with AWS Signature V4: no SDK. Objects are
 * addressed path-style (`<endpoint>/<bucket>/<key>`), which every S3-compatible server accepts. Every
 * call runs under a timeout, a retry policy (network errors, timeouts, 5xx and 429) and a circuit
 * breaker, and is counted in the storage metrics.
 */
import crypto from 'node:crypto';
import {
  BrokenCircuitError,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { observedBreaker } from '../breaker.js';
import type { Logger } from '../logger.js';
import { EMPTY_PAYLOAD_HASH, signRequest, uriEncode } from './sigv4.js';
import type { StorageMetrics } from './metrics.js';
import { StorageUnavailableError, assertStorageKey, type FileStorage } from './types.js';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Attempts per call including the first (default 3). */
  maxAttempts?: number;
  /** Consecutive failed calls that open the circuit (default 5). */
  breakerThreshold?: number;
  /** How long the open circuit refuses calls before letting one through (default 30 s). */
  breakerHalfOpenMs?: number;
  /** First retry delay (default 200 ms, doubling, at most 2 s). */
  retryDelayMs?: number;
}

/** A response worth retrying (the server is overloaded or failing). */
class RetryableResponseError extends Error {
  constructor(readonly status: number) {
    super(`storage answered ${status}`);
    this.name = 'RetryableResponseError';
  }
}

const isTransient = (err: Error) =>
  err instanceof RetryableResponseError ||
  err instanceof TaskCancelledError ||
  err.name === 'AbortError' ||
  err.name === 'TimeoutError' ||
  err instanceof TypeError; // fetch: network failure

export function createS3Storage(settings: S3Settings, metrics: StorageMetrics, logger: Logger): FileStorage {
  const base = settings.endpoint.replace(/\/+$/, '');
  const keys = {
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    region: settings.region,
  };
  const retryPolicy = retry(handleWhen(isTransient), {
    maxAttempts: Math.max(0, (settings.maxAttempts ?? 3) - 1),
    backoff: new ExponentialBackoff({ initialDelay: settings.retryDelayMs ?? 200, maxDelay: 2_000 }),
  });
  const breaker = observedBreaker(
    isTransient,
    { failures: settings.breakerThreshold ?? 5, halfOpenAfterMs: settings.breakerHalfOpenMs ?? 30_000 },
    {
      state: (value) => metrics.circuitOpen.set({ backend: 's3' }, value === 1 ? 1 : 0),
      opened: () => logger.warn('object storage is failing; circuit opened'),
      closed: () => logger.info('object storage recovered; circuit closed'),
    },
  );
  retryPolicy.onRetry(() => metrics.retries.inc({ backend: 's3' }));
  const policy = wrap(
    retryPolicy,
    breaker.policy,
    timeout(settings.timeoutMs ?? 10_000, TimeoutStrategy.Aggressive),
  );

  const urlOf = (key: string) => {
    assertStorageKey(key);
    return new URL(`${base}/${uriEncode(settings.bucket, false)}/${uriEncode(key, true)}`);
  };

  /** One signed request under the resilience policy; returns status and body. */
  async function call(
    operation: 'put' | 'get' | 'delete',
    method: string,
    key: string,
    body?: Buffer,
    contentType?: string,
  ): Promise<{ status: number; body: Buffer }> {
    const stop = metrics.duration.startTimer({ backend: 's3', operation });
    try {
      const result = await policy.execute(async ({ signal }) => {
        const url = urlOf(key);
        const payloadHash = body
          ? crypto.createHash('sha256').update(body).digest('hex')
          : EMPTY_PAYLOAD_HASH;
        const signed = signRequest(keys, {
          method,
          url,
          payloadHash,
          headers: contentType ? { 'content-type': contentType } : {},
        });
        delete signed.host; // fetch sets it from the URL (the same value that was signed)
        const res = await fetch(url, { method, headers: signed, body, signal });
        const data = Buffer.from(await res.arrayBuffer());
        if (res.status >= 500 || res.status === 429) throw new RetryableResponseError(res.status);
        return { status: res.status, body: data };
      });
      metrics.operations.inc({ backend: 's3', operation, outcome: 'ok' });
      return result;
    } catch (err) {
      metrics.operations.inc({
        backend: 's3',
        operation,
        outcome: err instanceof BrokenCircuitError ? 'circuit_open' : 'error',
      });
      if (err instanceof BrokenCircuitError) {
        throw new StorageUnavailableError('object storage is unavailable (circuit open)', { cause: err });
      }
      throw new StorageUnavailableError(`object storage ${operation} failed: ${(err as Error).message}`, {
        cause: err,
      });
    } finally {
      stop();
    }
  }

  const refused = (operation: string, status: number, body: Buffer) => {
    // S3 error bodies are small XML documents with a code (AccessDenied, NoSuchBucket, …): log the code only.
    const code = /<Code>([^<]{1,64})<\/Code>/.exec(body.toString('utf8'))?.[1] ?? 'unknown';
    logger.error({ operation, status, code }, 'object storage refused the request');
    return new StorageUnavailableError(`object storage refused ${operation}: ${status} ${code}`);
  };

  return {
    kind: 's3',
    async put(key, data, contentType) {
      const res = await call('put', 'PUT', key, data, contentType);
      if (res.status !== 200 && res.status !== 201 && res.status !== 204)
        throw refused('put', res.status, res.body);
    },
    async get(key) {
      const res = await call('get', 'GET', key);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw refused('get', res.status, res.body);
      return res.body;
    },
    async delete(key) {
      const res = await call('delete', 'DELETE', key);
      if (res.status !== 200 && res.status !== 204 && res.status !== 404) {
        throw refused('delete', res.status, res.body);
      }
    },
  };
}
