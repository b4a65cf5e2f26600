/**
 * Backups end to end on the real application: data goes in through the HTTP API (a conversation that
 * ends in a lead, an attachment, the contact form), a backup is made through the admin API and through
 * the CLI, verified, and restored with `frontdesk backup restore` into fresh databases (embedded and,
 * with TEST_DATABASE_URL, a PostgreSQL server — both ways); the data is then read back through the HTTP
 * API. Damaged, truncated, wrong-key and foreign files are refused and change nothing; a database with
 * data is replaced only with --force; an erasure made after a backup is applied again after restoring it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHasher } from '../../src/modules/privacy/subject.js';
import { png, postUpload } from '../bad-input/fixtures.js';
import { databaseTargets, ROOT, type DatabaseTarget } from '../helpers/database.js';
import { TEST_ENV, startTestServer, type TestServer } from '../helpers/server.js';
import { postLead, waitFor } from '../integrations/fake-peers.js';
import { chat, qualification, type ChatSession } from '../privacy/helpers.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, StaffClient, setupAdmin } from '../security/staff-client.js';
import { backupCli, cliConfig, freshTarget, snapshotOf, type RestoreTarget } from './helpers.js';

const SECRET = 'backup-tests-session-key-0123456789abcdef';
const KEY = 'backup-tests-encryption-key-0123456789abcdef-A';
const OTHER_KEY = 'backup-tests-encryption-key-0123456789abcdef-B';
const A = { name: 'Michał', email: 'michal.backup@example.com', phone: '600 100 200' };
const B = { name: 'Anna', email: 'anna.backup@example.pl', phone: '+48 511 222 333' };

interface ListedBackup {
  name: string;
  verification: string;
  verifyError: string | null;
  slots: string[];
  encrypted: boolean;
  sizeBytes: number;
}

function otherKind(kind: DatabaseTarget): DatabaseTarget | undefined {
  if (!process.env.TEST_DATABASE_URL) return undefined;
  return kind === 'embedded' ? 'postgres' : 'embedded';
}

describe.each(databaseTargets())('backups (%s)', (database) => {
  const dirs: string[] = [];
  const targets: RestoreTarget[] = [];
  const tempDir = (label: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `frontdesk-backup-test-${label}-`));
    dirs.push(dir);
    return dir;
  };
  let server: TestServer;
  let admin: StaffClient;
  let backupDir: string;
  let conversation: ChatSession;
  let uploadId: string;
  let backupFile: string;
  /** A database restored from the backup, kept for the tests that need one with data. */
  let restored: RestoreTarget;

  const target = async (kind: DatabaseTarget = database) => {
    const t = await freshTarget(kind, () => tempDir('data'));
    targets.push(t);
    return t;
  };
  const configFor = (t: RestoreTarget, env: Record<string, string | undefined> = {}) =>
    cliConfig({
      ...t.env,
      SESSION_SECRET: SECRET,
      BACKUP_DIR: backupDir,
      UPLOAD_DIR: t.env.UPLOAD_DIR ?? path.join(t.env.DATA_DIR ?? tempDir('uploads'), 'uploads'),
      ...env,
    });

  /** A server on a restored database, with its admin signed in. */
  async function serverOn(t: RestoreTarget): Promise<{ server: TestServer; admin: StaffClient }> {
    const config = configFor(t);
    const started = await startTestServer({
      ...(t.kind === 'embedded' ? { dataDir: t.env.DATA_DIR } : {}),
      env: {
        ...t.env,
        SESSION_SECRET: SECRET,
        UPLOAD_DIR: config.uploads.dir,
        BACKUP_DIR: tempDir('backups-b'),
      },
    });
    const staff = new StaffClient(started.url);
    expect((await staff.login(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    return { server: started, admin: staff };
  }

  const listBackups = async (client: StaffClient = admin) => {
    const res = await client.call('GET', '/api/v1/admin/backups');
    expect(res.status).toBe(200);
    return (await res.json()) as { backups: ListedBackup[]; running: boolean };
  };

  beforeAll(async () => {
    backupDir = tempDir('backups');
    server = await startTestServer({
      database,
      env: { SESSION_SECRET: SECRET, UPLOAD_DIR: tempDir('uploads-a'), BACKUP_DIR: backupDir },
    });
    admin = await setupAdmin(server);
    conversation = await chat(server.url, qualification(A.name, A.email, A.phone));
    const upload = await postUpload(server.url, conversation, [
      { field: 'file', filename: 'plan.png', contentType: 'image/png', data: png() },
    ]);
    expect(upload.status).toBe(201);
    uploadId = ((await upload.json()) as { id: string }).id;
    const form = await postLead(server.url, {
      name: B.name,
      email: B.email,
      phone: B.phone,
      city: 'Wrocław',
      locale: 'pl',
      consent: { processing: true, marketing: false },
    });
    expect(form.status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
    for (const t of targets) await t.drop().catch(() => undefined);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes one backup at a time through the admin API and verifies it by restoring it', async () => {
    expect((await listBackups()).backups).toEqual([]);
    const [first, second] = await Promise.all([
      admin.call('POST', '/api/v1/admin/backups'),
      admin.call('POST', '/api/v1/admin/backups'),
    ]);
    const answers = [first!, second!];
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const refused = answers.find((r) => r.status === 409)!;
    expect(((await refused.json()) as { error: string }).error).toBe('backup_running');
    const created = (await answers.find((r) => r.status === 201)!.json()) as ListedBackup;
    expect(created.name).toMatch(/^frontdesk-\d{8}-\d{6}Z(-\d+)?\.backup$/);
    expect(created.encrypted).toBe(false);
    expect(created.slots).toEqual(['daily', 'weekly', 'monthly']);

    let listed: ListedBackup | undefined;
    await waitFor(
      'the backup to be verified',
      async () => {
        listed = (await listBackups()).backups.find((b) => b.name === created.name);
        return listed !== undefined && listed.verification !== 'pending';
      },
      180_000,
      250,
    );
    expect(listed?.verifyError ?? null).toBeNull();
    expect(listed?.verification).toBe('passed');

    backupFile = path.join(backupDir, created.name);
    expect(fs.statSync(backupFile).size).toBe(created.sizeBytes);
    expect(fs.readdirSync(backupDir).filter((f) => f.includes('.tmp'))).toEqual([]);
    // An unencrypted backup is a plain gzip stream whose first line is the header.
    const lines = zlib.gunzipSync(fs.readFileSync(backupFile)).toString('utf8').split('\n');
    const header = JSON.parse(lines[0]!) as {
      tables: Array<{ name: string; rows: number }>;
      files: { count: number };
      migrations: unknown[];
    };
    const rows = Object.fromEntries(header.tables.map((t) => [t.name, t.rows]));
    expect(rows.leads).toBe(2);
    expect(rows.uploads).toBe(1);
    expect(rows.chat_messages).toBeGreaterThanOrEqual(2 * qualification(A.name, A.email, A.phone).length);
    expect(rows).not.toHaveProperty('frontdesk_migrations');
    expect(header.files.count).toBe(1);
    expect(header.migrations.length).toBeGreaterThan(0);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^frontdesk_backup_last_success_timestamp_seconds [1-9]/m);
    expect(metrics).toMatch(/^frontdesk_backup_last_size_bytes [1-9]/m);
    expect(metrics).toMatch(/^frontdesk_backup_failures_total\{stage="create"\} 0$/m);
  });

  it('restores into fresh databases with the CLI, and the data reads back through the HTTP API', async () => {
    const original = (await (
      await fetch(`${server.url}/api/v1/chat/${conversation.sessionId}/messages`, {
        headers: { 'x-session-secret': conversation.secret },
      })
    ).json()) as { messages: Array<{ role: string; text: string }> };
    expect(original.messages.length).toBeGreaterThan(0);
    const kinds = [database, otherKind(database)].filter((k): k is DatabaseTarget => k !== undefined);
    for (const kind of kinds) {
      const t = await target(kind);
      const run = await backupCli(configFor(t), ['restore', backupFile]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^restored frontdesk-.*\.backup .*1 files/m);

      const b = await serverOn(t);
      try {
        const leads = (await (await b.admin.call('GET', '/api/v1/admin/leads')).json()) as {
          leads: Array<{ email: string | null }>;
        };
        expect(leads.leads.map((l) => l.email).sort()).toEqual([B.email, A.email].sort());
        const messages = (await (
          await fetch(`${b.server.url}/api/v1/chat/${conversation.sessionId}/messages`, {
            headers: { 'x-session-secret': conversation.secret },
          })
        ).json()) as { messages: Array<{ role: string; text: string }> };
        expect(messages.messages.map((m) => [m.role, m.text])).toEqual(
          original.messages.map((m) => [m.role, m.text]),
        );
        const file = await b.admin.call('GET', `/api/v1/admin/uploads/${uploadId}`);
        expect(file.status).toBe(200);
        expect(Buffer.from(await file.arrayBuffer()).equals(png())).toBe(true);
        // The restored database keeps working: sequences and defaults are in place.
        const more = await fetch(`${b.server.url}/api/v1/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-session-secret': conversation.secret },
          body: JSON.stringify({ sessionId: conversation.sessionId, message: 'Dziękuję, to wszystko.' }),
        });
        expect(more.status).toBe(200);
        expect(
          (
            await postLead(b.server.url, {
              ...B,
              email: 'new.after@example.pl',
              locale: 'pl',
              consent: { processing: true },
            })
          ).status,
        ).toBe(201);
      } finally {
        await b.server.close();
      }
      if (kind === database) restored = t;
    }
  });

  it('refuses damaged, truncated, foreign and wrong-key files with a clear error, changing nothing', async () => {
    const t = await target();
    const config = configFor(t);
    const before = await snapshotOf(config);
    const attempt = async (file: string, message: RegExp, env: Record<string, string> = {}) => {
      const cfg = configFor(t, env);
      for (const command of ['verify', 'restore']) {
        const run = await backupCli(cfg, [command, file]);
        expect(run.code, `${command} ${path.basename(file)}: ${run.stdout}`).toBe(1);
        expect(run.stderr).toMatch(message);
      }
      expect(await snapshotOf(config)).toEqual(before);
    };
    const scratch = tempDir('files');

    // A row changed after writing (and the file recompressed, so gzip itself is fine).
    const text = zlib.gunzipSync(fs.readFileSync(backupFile)).toString('utf8');
    expect(text).toContain(A.email);
    const tampered = path.join(scratch, 'tampered.backup');
    fs.writeFileSync(tampered, zlib.gzipSync(text.replace(A.email, 'michal.backuq@example.com')));
    await attempt(tampered, /do not match their checksum \(the file was changed\)/);

    // A backup from a newer version: a migration this code does not have.
    const [headerLine, ...rest] = text.split('\n');
    const header = JSON.parse(headerLine!) as { migrations: Array<{ name: string; checksum: string }> };
    header.migrations.push({ name: '9999_from_the_future.sql', checksum: 'f'.repeat(64) });
    const future = path.join(scratch, 'future.backup');
    fs.writeFileSync(future, zlib.gzipSync([JSON.stringify(header), ...rest].join('\n')));
    await attempt(future, /written by a newer Frontdesk .*9999_from_the_future\.sql is unknown here/);

    const whole = fs.readFileSync(backupFile);
    const truncated = path.join(scratch, 'truncated.backup');
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await attempt(truncated, /incomplete/);

    const foreign = path.join(scratch, 'notes.backup');
    fs.writeFileSync(foreign, 'these are not the rows you are looking for\n');
    await attempt(foreign, /not a Frontdesk backup/);

    // An encrypted backup, written with the CLI from the restored database.
    const encryptedDir = tempDir('encrypted');
    const made = await backupCli(
      configFor(restored, { BACKUP_DIR: encryptedDir, BACKUP_ENCRYPTION_KEY: KEY }),
      ['create'],
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/encrypted/);
    expect(made.stdout).toMatch(/^verified/m);
    const [encryptedName] = fs.readdirSync(encryptedDir).filter((f) => f.endsWith('.backup'));
    const encrypted = path.join(encryptedDir, encryptedName!);
    const bytes = fs.readFileSync(encrypted);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('FDBKENC1');
    expect(bytes.includes(Buffer.from(A.email))).toBe(false);
    await attempt(encrypted, /encrypted: set BACKUP_ENCRYPTION_KEY/);
    await attempt(encrypted, /different key/, { BACKUP_ENCRYPTION_KEY: OTHER_KEY });
    const flipped = Buffer.from(bytes);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = flipped[at]! ^ 0x01;
    const damaged = path.join(scratch, 'flipped.backup');
    fs.writeFileSync(damaged, flipped);
    await attempt(damaged, /damaged|changed/, { BACKUP_ENCRYPTION_KEY: KEY });

    // With the right key it restores.
    const ok = await backupCli(configFor(t, { BACKUP_ENCRYPTION_KEY: KEY }), ['restore', encrypted]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const after = await snapshotOf(config);
    expect(after.leads).toBe(3);
  });

  it('refuses a database that holds data, unless --force, which replaces everything in it', async () => {
    const config = configFor(restored);
    const before = await snapshotOf(config);
    expect(before.leads).toBe(3);
    const refused = await backupCli(config, ['restore', backupFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds data.*--force/);
    expect(await snapshotOf(config)).toEqual(before);

    const forced = await backupCli(config, ['restore', backupFile, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const after = await snapshotOf(config);
    expect(after.leads).toBe(2);
  });

  it('applies an erasure made after the backup again when that backup is restored', async () => {
    const erase = await admin.call('POST', '/api/v1/admin/privacy/erase', {
      body: { email: A.email, confirm: true },
    });
    expect(erase.status).toBe(200);
    const ledger = fs.readFileSync(path.join(backupDir, 'erasures.jsonl'), 'utf8');
    expect(ledger).toContain(createHasher(SECRET).subject(`email:${A.email}`));
    expect(ledger).not.toContain(A.email);
    expect(ledger).not.toContain('600100200');

    const t = await target();
    const run = await backupCli(configFor(t), ['restore', backupFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/applied again the erasure of 1 person/);
    expect(run.logs).not.toContain(A.email);

    const b = await serverOn(t);
    try {
      const search = await b.admin.call(
        'GET',
        `/api/v1/admin/privacy/search?email=${encodeURIComponent(A.email)}`,
      );
      expect(search.status).toBe(200);
      expect(((await search.json()) as { found: boolean }).found).toBe(false);
      const leads = (await (await b.admin.call('GET', '/api/v1/admin/leads')).json()) as {
        leads: Array<{ email: string | null }>;
      };
      expect(leads.leads.map((l) => l.email)).toEqual([B.email]);
      const transcript = await fetch(`${b.server.url}/api/v1/chat/${conversation.sessionId}/messages`, {
        headers: { 'x-session-secret': conversation.secret },
      });
      expect(transcript.status).toBe(404);
      expect((await b.admin.call('GET', `/api/v1/admin/uploads/${uploadId}`)).status).toBe(404);
    } finally {
      await b.server.close();
    }
  });

  it.runIf(database === 'embedded')('runs as the real frontdesk command', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args],
          {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              ...TEST_ENV,
              LOG_LEVEL: 'warn',
              DATA_DIR: tempDir('cli'),
              BACKUP_DIR: backupDir,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.stderr.on('data', (d) => (out += String(d)));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, out }));
      });
    const name = path.basename(backupFile);
    const list = await run(['backup', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(
      new RegExp(`^${name.replace(/\./g, '\\.')} .* daily\\+weekly\\+monthly {2}passed`, 'm'),
    );
    const verify = await run(['backup', 'verify', name]);
    expect(verify.out).toMatch(/^verified: \d+ tables/m);
    expect(verify.code).toBe(0);
  });
});
