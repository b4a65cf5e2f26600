import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SHOP = 'https://shop.example.pl';
const PARTNER = 'https://partner.example.pl';
const EVIL = 'https://evil.example.com';
const STRONG = 'k3Jx9vQ2mZp7Lr4Tw8Yb6Nc1Hd5Fg0Sa';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { CORS_ORIGINS: PARTNER, WIDGET_ALLOWED_ORIGINS: SHOP } });
});
afterAll(async () => {
  await server.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers });

function directives(res: Response): Map<string, string> {
  const csp = res.headers.get('content-security-policy') ?? '';
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(' ')]),
  );
}

describe('security headers', () => {
  it('sends a strict policy on the API, the admin routes and errors', async () => {
    for (const path of [
      '/api/v1/widget/config',
      '/api/v1/admin/users',
      '/admin/',
      '/api/v1/nothing',
      '/health/live',
    ]) {
      const res = await get(path);
      const csp = directives(res);
      expect(csp.get('script-src'), path).toBe("'self'");
      expect(csp.get('frame-ancestors'), path).toBe("'none'");
      expect(csp.get('object-src'), path).toBe("'none'");
      expect(res.headers.get('content-security-policy'), path).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('lets the demo page be framed only by this site and the widget origins', async () => {
    const res = await get('/');
    const csp = directives(res);
    expect(csp.get('frame-ancestors')).toBe(`'self' ${SHOP}`);
    expect(csp.get('script-src')).toBe("'self'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lets the widget script and bundle load on other sites, and nothing else', async () => {
    expect((await get('/widget.js')).headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await get('/assets/widget-0123abcd.js')).headers.get('cross-origin-resource-policy')).toBe(
      'cross-origin',
    );
    expect((await get('/favicon.svg')).headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('gives the OpenAPI UI at /docs its own policy, no looser than it needs', async () => {
    const res = await get('/docs/');
    expect(res.status).toBe(200);
    const csp = directives(res);
    // The UI's own policy: at most hashes of its inline parts, never 'unsafe-inline' or other hosts.
    expect(csp.get('script-src')).toMatch(/^'self'( 'sha256-[^']+')*$/);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    const header = res.headers.get('content-security-policy') ?? '';
    for (const loose of ['https:', 'unsafe-inline', 'unsafe-eval', 'validator.swagger.io']) {
      expect(header).not.toContain(loose);
    }
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends HSTS in production only', async () => {
    const production = await startTestServer({
      env: { NODE_ENV: 'production', SESSION_SECRET: STRONG, METRICS_TOKEN: `${STRONG}m` },
    });
    try {
      const res = await fetch(`${production.url}/health/live`);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    } finally {
      await production.close();
    }
  });
});

describe('CORS', () => {
  const preflight = (path: string, origin: string) =>
    fetch(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-session-secret',
      },
    });
  const post = (path: string, origin: string | undefined, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: JSON.stringify(body),
    });

  it('answers a preflight from the widget and the configured origins, without credentials', async () => {
    for (const origin of [SHOP, PARTNER]) {
      const res = await preflight('/api/v1/chat', origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toContain('x-session-secret');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toContain('Origin');
    }
  });

  it('lets an allowed origin call the chat and read the reply', async () => {
    const res = await post('/api/v1/chat', SHOP, { message: 'Dzień dobry' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('refuses other origins: preflight and writes get 403, reads get no CORS headers', async () => {
    const pre = await preflight('/api/v1/chat', EVIL);
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await pre.json()) as { error: string }).error).toBe('cors_refused');

    const write = await post('/api/v1/chat', EVIL, { message: 'Dzień dobry' });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: string }).error).toBe('cors_refused');

    const read = await get('/api/v1/widget/config', { origin: EVIL });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never opens the admin API or sign-in to other origins, even allowed ones', async () => {
    for (const origin of [SHOP, PARTNER]) {
      const pre = await preflight('/api/v1/admin/users', origin);
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const login = await post('/api/v1/auth/login', origin, {
        email: 'a@example.pl',
        password: 'x'.repeat(12),
      });
      expect(login.status).toBe(403);
      expect(login.headers.get('access-control-allow-origin')).toBeNull();
    }
    // The panel itself is same-origin: its requests pass (here: wrong credentials, not a CORS refusal).
    const same = await post('/api/v1/auth/login', server.url, {
      email: 'a@example.pl',
      password: 'x'.repeat(12),
    });
    expect(same.status).toBe(401);
  });

  it('refuses CORS_ORIGINS=* in production and malformed origins anywhere', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env, '/srv/frontdesk');
        return [];
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
    };
    const prod = { NODE_ENV: 'production', SESSION_SECRET: STRONG, METRICS_TOKEN: `${STRONG}m` };
    expect(problems({ ...prod, CORS_ORIGINS: '*' })).toEqual([
      expect.stringMatching(/^CORS_ORIGINS: \* is not allowed in production/),
    ]);
    expect(problems({ ...prod, CORS_ORIGINS: `${SHOP}, ${PARTNER}/` })).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '*' }, '/x').cors.origins).toEqual(['*']);
    expect(problems({ CORS_ORIGINS: 'https://shop.example.pl/path' })[0]).toMatch(
      /^CORS_ORIGINS: must be a comma list/,
    );
    expect(problems({ WIDGET_ALLOWED_ORIGINS: '*' })[0]).toMatch(
      /^WIDGET_ALLOWED_ORIGINS: must be a comma list/,
    );
  });
});
