/** The errors of abuse control: a too-fast chat message and a blocked client. */
import { AppError } from './errors.js';

const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));

export class TooFastError extends AppError {
  constructor(retryAfterMs: number) {
    super(
      'too_fast',
      429,
      'Messages are arriving too quickly. Wait a moment and send it again.',
      { retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) },
      { 'retry-after': seconds(retryAfterMs) },
    );
  }
}

export class BlockedError extends AppError {
  constructor(retryAfterMs: number) {
    super(
      'blocked',
      403,
      'Access from this client is blocked for a while after repeated abuse. Try again later.',
      undefined,
      { 'retry-after': seconds(retryAfterMs) },
    );
  }
}

export class CorsRefusedError extends AppError {
  constructor() {
    super('cors_refused', 403, 'Requests from this origin are not allowed here.');
  }
}
