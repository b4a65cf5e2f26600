/**
 * The daily backup through the scheduler: when none was made since BACKUP_HOUR_UTC a backup is written,
 * verified and the rotation applied (an old backup outside every slot disappears); a failing backup is
 * logged and counted and the server keeps serving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../integrations/fake-peers.js';
import { setupAdmin } from '../security/staff-client.js';

describe.each(databaseTargets())('scheduled backups (%s)', (database) => {
  const dirs: string[] = [];
  const servers: TestServer[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-backup-schedule-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes, verifies and rotates the daily backup once it is due', async () => {
    const backupDir = tempDir();
    const ancient = 'frontdesk-20200105-020000Z.backup';
    fs.writeFileSync(path.join(backupDir, ancient), 'an old backup');
    const server = await startTestServer({
      database,
      env: { BACKUP_ENABLED: 'true', BACKUP_HOUR_UTC: '0', BACKUP_DIR: backupDir },
    });
    servers.push(server);
    const admin = await setupAdmin(server);
    let backups: Array<{ name: string; verification: string; trigger: string | null; slots: string[] }> = [];
    await waitFor(
      'the scheduled backup, verified',
      async () => {
        await server.runtime.runScheduledTasks();
        const res = await admin.call('GET', '/api/v1/admin/backups');
        backups = ((await res.json()) as { backups: typeof backups }).backups;
        return backups.some(
          (b) => b.trigger === 'scheduled' && ['passed', 'failed'].includes(b.verification),
        );
      },
      180_000,
      500,
    );
    const made = backups.filter((b) => b.trigger === 'scheduled');
    expect(made).toHaveLength(1);
    expect(made[0]!.verification).toBe('passed');
    expect(made[0]!.slots).toEqual(['daily', 'weekly', 'monthly']);
    expect(fs.existsSync(path.join(backupDir, ancient))).toBe(false);
    // Not due again today.
    await server.runtime.runScheduledTasks();
    expect(fs.readdirSync(backupDir).filter((f) => f.endsWith('.backup'))).toHaveLength(1);
  });

  it('logs and counts a failed backup, and keeps serving', async () => {
    const blocked = path.join(tempDir(), 'not-a-directory');
    fs.writeFileSync(blocked, 'a file where the backup directory should be');
    const server = await startTestServer({
      database,
      env: { BACKUP_ENABLED: 'true', BACKUP_HOUR_UTC: '0', BACKUP_DIR: blocked },
    });
    servers.push(server);
    await waitFor(
      'the failure to be counted',
      async () => {
        await server.runtime.runScheduledTasks();
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        return /^frontdesk_backup_failures_total\{stage="create"\} [1-9]/m.test(metrics);
      },
      45_000,
      250,
    );
    expect(server.logs.some((l) => l.msg === 'backup failed' && l.level === 'error')).toBe(true);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    const chat = await fetch(`${server.url}/api/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Dzień dobry' }),
    });
    expect(chat.status).toBe(200);
  });
});
