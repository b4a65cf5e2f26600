/**
 * The JSON body parser: strict JSON, no prototype-poisoning keys, bounded nesting depth and key count.
 * Size is bounded by Fastify's bodyLimit before this runs.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, InvalidJsonError } from './errors.js';

export interface JsonLimits {
  maxDepth: number;
  maxKeys: number;
}

export class JsonTooComplexError extends AppError {
  constructor(message: string) {
    super('json_too_complex', 400, message);
  }
}

export function checkJsonShape(value: unknown, limits: JsonLimits, depth = 1): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > limits.maxDepth) {
    throw new JsonTooComplexError(`The JSON body is nested deeper than ${limits.maxDepth} levels.`);
  }
  if (Array.isArray(value)) {
    for (const item of value) checkJsonShape(item, limits, depth + 1);
    return;
  }
  const keys = Object.keys(value);
  if (keys.length > limits.maxKeys) {
    throw new JsonTooComplexError(`A JSON object in the body has more than ${limits.maxKeys} keys.`);
  }
  for (const key of keys) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new InvalidJsonError(`The key "${key}" is not allowed in a JSON body.`);
    }
    checkJsonShape((value as Record<string, unknown>)[key], limits, depth + 1);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function registerJsonParser(app: FastifyInstance, limits: JsonLimits): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json$/,
    { parseAs: 'buffer' },
    (_req, body: string | Buffer, done) => {
      let text: string;
      try {
        // Fatal decoding: invalid or overlong UTF-8 is refused instead of being stored as U+FFFD.
        text = typeof body === 'string' ? body : UTF8.decode(body);
      } catch {
        done(new InvalidJsonError('The request body is not valid UTF-8.'));
        return;
      }
      if (text.trim() === '') {
        done(new InvalidJsonError('The request body is empty; a JSON document was expected.'));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        done(new InvalidJsonError());
        return;
      }
      try {
        checkJsonShape(parsed, limits);
      } catch (err) {
        done(err as Error);
        return;
      }
      done(null, parsed);
    },
  );
}
