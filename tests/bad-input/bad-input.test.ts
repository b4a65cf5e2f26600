/**
 * Malformed, hostile and unauthorised requests against every route Frontdesk registers. Each case
 * (cases.ts) must get its exact 4xx status and error code, and must change nothing: the row count of
 * every table and the files in the upload directory are compared before and after. A route with no
 * case fails the suite unless it is on the skip list with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { CASES, SKIPPED, type BadCase } from './cases.js';
import {
  credentials,
  prepare,
  registeredRoutes,
  release,
  sendFetch,
  sendRaw,
  snapshot,
  type Answer,
  type Context,
} from './harness.js';

const MINIMUM_CASES = 90;

async function run(ctx: Context, c: BadCase): Promise<Answer> {
  if (c.raw) return sendRaw(ctx, c.raw(ctx));
  const [method = 'GET', pattern = '/'] = c.route.split(' ');
  const request = c.request?.(ctx) ?? {};
  const headers: Record<string, string> = {
    ...credentials(ctx, c.as ?? 'anonymous', method),
    ...request.headers,
  };
  if (c.csrf === false) delete headers['x-csrf-token'];
  else if (c.csrf === '__operator__') headers['x-csrf-token'] = ctx.staff.operator.csrfToken ?? '';
  else if (typeof c.csrf === 'string') headers['x-csrf-token'] = c.csrf;
  return sendFetch(ctx, { method, path: request.path ?? pattern, headers, body: request.body });
}

describe('the bad-input table', () => {
  it(`has at least ${MINIMUM_CASES} cases, each with a unique name per route`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(MINIMUM_CASES);
    const names = CASES.map((c) => `${c.route} — ${c.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('expects only client errors', () => {
    for (const c of CASES) {
      expect(c.expect.status, c.name).toBeGreaterThanOrEqual(400);
      expect(c.expect.status, c.name).toBeLessThan(500);
      expect(c.expect.error, c.name).toMatch(/^[a-z_]+$/);
    }
  });
});

describe.each(databaseTargets())('bad input (%s)', (database) => {
  let ctx: Context;

  beforeAll(async () => {
    ctx = await prepare(database);
  });
  afterAll(async () => {
    await release(ctx);
  });

  it('covers every registered route, or says why not', () => {
    const covered = new Set(CASES.map((c) => c.route));
    const missing = [...registeredRoutes(ctx)].filter((r) => !covered.has(r) && !(r in SKIPPED));
    expect(missing, 'routes without a bad-input case: add cases to tests/bad-input/cases.ts').toEqual([]);
    const skippedButCovered = Object.keys(SKIPPED).filter((r) => covered.has(r));
    expect(skippedButCovered).toEqual([]);
  });

  async function check(c: BadCase, test: { skip(): void }): Promise<void> {
    if (!registeredRoutes(ctx).has(c.route)) {
      // A route of an optional part that this build does not register (e.g. unbuilt web assets).
      test.skip();
      return;
    }
    const before = await snapshot(ctx);
    const answer = await run(ctx, c);
    let error: string | undefined;
    try {
      error = (JSON.parse(answer.body) as { error?: string }).error;
    } catch {
      error = undefined;
    }
    expect({ status: answer.status, error }, answer.body.slice(0, 300)).toEqual(c.expect);
    expect(answer.headers['set-cookie'] ?? '').not.toMatch(/fd_session=x/);
    const after = await snapshot(ctx);
    expect(after, 'nothing may be written').toEqual(before);
  }

  for (const c of CASES) {
    const name = `${c.route} — ${c.name}`;
    if (c.gap) it.fails(`${name} (known gap: ${c.gap})`, (test) => check(c, test));
    else it(name, (test) => check(c, test));
  }
});
