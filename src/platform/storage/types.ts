/** Where uploaded files live: a local directory or an S3-compatible bucket, behind one interface. */

export interface FileStorage {
  readonly kind: 'local' | 's3';
  /** Stores the bytes under the key (a random id chosen by the caller; never a user-supplied name). */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The stored bytes, or undefined when nothing is stored under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** The storage could not be reached or refused the operation (the caller answers 503). */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** Keys are generated ids: letters, digits and dashes only, so a key can never name a path. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9-]{7,127}$/;

export function assertStorageKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a valid storage key: ${JSON.stringify(key.slice(0, 40))}`);
}
