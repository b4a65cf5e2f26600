/** `frontdesk admin create-user` and `frontdesk admin setup-link`, run as real processes. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, freshEmbeddedDataDir } from '../helpers/database.js';
import { TEST_ENV, startTestServer, type TestServer } from '../helpers/server.js';
import { StaffClient } from './staff-client.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], dataDir: string, stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const PASSWORD = 'Cli-Created-Password-1';
let dataDir: string | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

describe('frontdesk admin', () => {
  it('create-user reads the password from stdin, prints nothing secret, and the account can sign in', async () => {
    dataDir = await freshEmbeddedDataDir();
    const weak = await runCli(
      ['admin', 'create-user', '--email', 'cli@example.pl', '--role', 'admin'],
      dataDir,
      'short\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 12 characters/);

    const run = await runCli(
      ['admin', 'create-user', '--email', 'CLI@example.pl', '--role', 'admin', '--name', 'Anna Nowak'],
      dataDir,
      `${PASSWORD}\n`,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Created admin account cli@example\.pl \(id [0-9a-f-]{36}\)/);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);

    const again = await runCli(
      ['admin', 'create-user', '--email', 'cli@example.pl', '--role', 'viewer'],
      dataDir,
      `${PASSWORD}\n`,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    server = await startTestServer({ dataDir });
    // An admin exists: no setup link at start-up.
    expect(server.logs.some((l) => 'setupUrl' in l)).toBe(false);
    const client = new StaffClient(server.url);
    const login = await client.login('cli@example.pl', PASSWORD);
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ user: { role: 'admin', name: 'Anna Nowak' } });
  });

  it('setup-link prints a working one-time link while no admin exists, and refuses afterwards', async () => {
    dataDir = await freshEmbeddedDataDir();
    const run = await runCli(['admin', 'setup-link'], dataDir, '');
    expect(run.code).toBe(0);
    const token = /\/admin\/setup\?token=([A-Za-z0-9_-]{43})/.exec(run.stdout)?.[1];
    expect(token).toBeDefined();

    server = await startTestServer({ dataDir });
    const res = await fetch(`${server.url}/api/v1/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, email: 'first@example.pl', name: 'First', password: PASSWORD }),
    });
    expect(res.status).toBe(201);
    await server.close();
    server = undefined;

    const refused = await runCli(['admin', 'setup-link'], dataDir, '');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
  });

  it('explains its usage on bad arguments', async () => {
    dataDir = await freshEmbeddedDataDir();
    const run = await runCli(
      ['admin', 'create-user', '--email', 'x@example.pl', '--role', 'root'],
      dataDir,
      '',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--role/);
  });
});
