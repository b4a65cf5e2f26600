/** Chooses the file storage from configuration: a local directory, or an S3-compatible bucket. */
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { createLocalStorage } from './local.js';
import { createStorageMetrics, type StorageMetrics } from './metrics.js';
import { createS3Storage, type S3Settings } from './s3.js';
import type { FileStorage } from './types.js';

export { StorageUnavailableError, type FileStorage } from './types.js';
export type { S3Settings } from './s3.js';

export interface StorageSettings {
  storage: 'local' | 's3';
  dir: string;
  s3: S3Settings | undefined;
}

/** Times and counts the operations of a storage (the S3 adapter does its own, retries included). */
function measured(storage: FileStorage, metrics: StorageMetrics): FileStorage {
  const wrapOp =
    <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const stop = metrics.duration.startTimer({ backend: storage.kind, operation });
      try {
        const result = await fn(...args);
        metrics.operations.inc({ backend: storage.kind, operation, outcome: 'ok' });
        return result;
      } catch (err) {
        metrics.operations.inc({ backend: storage.kind, operation, outcome: 'error' });
        throw err;
      } finally {
        stop();
      }
    };
  return {
    kind: storage.kind,
    put: wrapOp('put', storage.put.bind(storage)),
    get: wrapOp('get', storage.get.bind(storage)),
    delete: wrapOp('delete', storage.delete.bind(storage)),
  };
}

export function createFileStorage(settings: StorageSettings, metrics: Metrics, logger: Logger): FileStorage {
  const storageMetrics = createStorageMetrics(metrics);
  if (settings.storage === 's3') {
    if (!settings.s3) throw new Error('UPLOAD_STORAGE=s3 needs the S3_* settings');
    return createS3Storage(settings.s3, storageMetrics, logger);
  }
  return measured(createLocalStorage(settings.dir), storageMetrics);
}
