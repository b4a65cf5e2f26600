import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config.js';

const STRONG = 'k3Jx9vQ2mZp7Lr4Tw8Yb6Nc1Hd5Fg0Sa';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/frontdesk');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('runs with zero configuration on embedded defaults', () => {
    const config = loadConfig({}, '/srv/frontdesk');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('/srv/frontdesk/data');
    expect(config.redis.url).toBeUndefined();
    expect(config.isProduction).toBe(false);
  });

  it('lists every bad variable in one readable message', () => {
    let message = '';
    try {
      loadConfig(
        { PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', MIGRATE_ON_START: 'maybe' },
        '/x',
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('Invalid configuration:');
    expect(message).toMatch(/PORT: must be a whole number from 0 to 65535 \(got "abc"\)/);
    expect(message).toMatch(/LOG_LEVEL: must be one of/);
    expect(message).toMatch(/DATABASE_URL: must be a URL starting with postgres:/);
    expect(message).toMatch(/MIGRATE_ON_START: must be true or false/);
    expect(message).not.toContain('mysql://x');
  });

  it('rejects out-of-range numbers', () => {
    expect(problemsOf({ PORT: '70000' })).toHaveLength(1);
    expect(problemsOf({ BODY_LIMIT_BYTES: '12' })[0]).toMatch(/^BODY_LIMIT_BYTES:/);
  });

  it('allows several worker processes only on a PostgreSQL server', () => {
    expect(problemsOf({ SERVE_PROCESSES: '2' })).toEqual([
      'SERVE_PROCESSES: more than one process needs DATABASE_URL (the embedded database is single-process)',
    ]);
    expect(problemsOf({ SERVE_PROCESSES: '2', DATABASE_URL: 'postgres://db/frontdesk' })).toEqual([]);
    expect(problemsOf({ SERVE_PROCESSES: '0' })[0]).toMatch(/^SERVE_PROCESSES:/);
  });

  it('refuses missing or placeholder secrets in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['SESSION_SECRET', 'METRICS_TOKEN']);
    expect(
      problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'change-me', METRICS_TOKEN: STRONG }),
    ).toHaveLength(1);
    expect(
      problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'short', METRICS_TOKEN: STRONG }),
    ).toHaveLength(1);
    expect(
      problemsOf({ NODE_ENV: 'production', SESSION_SECRET: STRONG, METRICS_TOKEN: `${STRONG}x` }),
    ).toEqual([]);
  });

  it('listens on all interfaces only in production unless HOST says otherwise', () => {
    expect(loadConfig({}, '/x').http.host).toBe('127.0.0.1');
    const prod = loadConfig(
      { NODE_ENV: 'production', SESSION_SECRET: STRONG, METRICS_TOKEN: `${STRONG}y` },
      '/x',
    );
    expect(prod.http.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::' }, '/x').http.host).toBe('::');
  });

  it('documents every variable in .env.example and docs/configuration.md', () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    const docs = fs.readFileSync(path.join(root, 'docs', 'configuration.md'), 'utf8');
    for (const name of CONFIG_VARIABLES) {
      expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(docs, name).toContain(`\`${name}\``);
    }
  });
});
