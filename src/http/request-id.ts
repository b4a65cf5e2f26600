/** Request ids: a sane incoming x-request-id is kept, anything else is replaced by a fresh one. */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdFrom(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && SANE.test(incoming)) return incoming;
  return crypto.randomUUID();
}
