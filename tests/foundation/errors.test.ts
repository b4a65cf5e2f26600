import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadConfig } from '../../src/config.js';
import { buildApp, type App } from '../../src/http/app.js';
import * as errors from '../../src/http/errors.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';

const cases: Array<[string, () => errors.AppError, number, string]> = [
  ['bad request', () => new errors.BadRequestError(), 400, 'bad_request'],
  ['invalid json', () => new errors.InvalidJsonError(), 400, 'invalid_json'],
  ['validation', () => new errors.ValidationError([{ path: 'x', message: 'bad' }]), 400, 'validation_failed'],
  ['unauthorized', () => new errors.UnauthorizedError(), 401, 'unauthorized'],
  ['forbidden', () => new errors.ForbiddenError(), 403, 'forbidden'],
  ['not found', () => new errors.NotFoundError(), 404, 'not_found'],
  ['conflict', () => new errors.ConflictError(), 409, 'conflict'],
  ['too large', () => new errors.PayloadTooLargeError(), 413, 'payload_too_large'],
  ['media type', () => new errors.UnsupportedMediaTypeError(), 415, 'unsupported_media_type'],
  ['rate limited', () => new errors.RateLimitedError(7), 429, 'rate_limited'],
  ['unavailable', () => new errors.ServiceUnavailableError(), 503, 'service_unavailable'],
];

let app: App;
let logText = '';

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    BODY_LIMIT_BYTES: '2048',
    JSON_MAX_DEPTH: '4',
    JSON_MAX_KEYS: '5',
  });
  const destination = new Writable({
    write(chunk, _e, cb) {
      logText += String(chunk);
      cb();
    },
  });
  app = await buildApp({
    config,
    logger: createLogger({ level: 'info', pretty: false, service: 'test', destination }),
    metrics: createMetrics(),
    routes: [
      async (instance) => {
        const r = instance.withTypeProvider<ZodTypeProvider>();
        r.get('/api/v1/test/error/:index', async (request) => {
          const [, make] = cases[Number((request.params as { index: string }).index)]!;
          throw make();
        });
        r.get('/api/v1/test/crash', async () => {
          const err = new Error("duplicate key: SELECT * FROM users WHERE password = 'hunter2'");
          throw err;
        });
        r.post(
          '/api/v1/test/echo',
          { schema: { body: z.strictObject({ name: z.string().min(2), age: z.number().int().optional() }) } },
          async (request) => request.body,
        );
      },
    ],
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('error layer', () => {
  it.each(cases.map((c, i) => [c[0], i, c[2], c[3]] as const))(
    '%s → %i %s',
    async (_name, index, status, code) => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/test/error/${index}`,
        headers: { 'x-request-id': `t-${index}` },
      });
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(body.error).toBe(code);
      expect(typeof body.message).toBe('string');
      expect(body.requestId).toBe(`t-${index}`);
      if (status === 429) expect(res.headers['retry-after']).toBe('7');
    },
  );

  it('hides unexpected errors behind internal_error and logs the detail', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/test/crash' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId']);
    expect(body.error).toBe('internal_error');
    expect(res.body).not.toMatch(/SELECT|hunter2|at |\.ts/);
    expect(logText).toContain('duplicate key: SELECT');
    expect(logText).toContain(body.requestId);
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "An',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_json');
  });

  it('answers schema failures with 400 validation_failed and details', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { name: 'A', extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('validation_failed');
    expect(Array.isArray(body.details)).toBe(true);
    expect(body.details.length).toBeGreaterThan(0);
  });

  it('answers oversized bodies with 413 and wrong content types with 415', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { name: 'x'.repeat(5000) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('payload_too_large');
    const xml = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error).toBe('unsupported_media_type');
  });

  it('rejects JSON that is too deep, has too many keys, or poisons prototypes', async () => {
    const deep = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":{"a":{"b":{"c":{"d":1}}}}}',
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error).toBe('json_too_complex');
    const wide = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 },
    });
    expect(wide.json().error).toBe('json_too_complex');
    const proto = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"ab","__proto__":{"admin":true}}',
    });
    expect(proto.statusCode).toBe(400);
    expect(proto.json().error).toBe('invalid_json');
  });

  it('answers unknown API paths with 404 JSON', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/nothing/here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });
});

describe('request ids', () => {
  it('keeps a sane incoming id and puts it on the response and the log line', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'x-request-id': 'abc.DEF_123-x' },
    });
    expect(res.headers['x-request-id']).toBe('abc.DEF_123-x');
    expect(res.json().requestId).toBe('abc.DEF_123-x');
    const line = logText
      .split('\n')
      .find((l) => l.includes('"requestId":"abc.DEF_123-x"') && l.includes('request completed'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ method: 'GET', status: 404, service: 'test' });
  });

  it.each([['x'.repeat(129)], ['has space'], ['<script>'], ['a/b'], ['']])(
    'replaces an unsafe id %#',
    async (bad) => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'x-request-id': bad } });
      const id = res.headers['x-request-id'];
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json().requestId).toBe(id);
    },
  );

  it('generates an id when none is sent', async () => {
    const a = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    const b = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});
