/**
 * The rotation over a simulated calendar: a backup every night (and now and then a second one by
 * hand, a few nights missed, a few that failed verification), rotated after each one like the daily
 * job does. After every night the kept set must be exactly the newest backup of each of the last 7
 * days, 4 ISO weeks and 3 months (computed here independently, from calendar dates), and nothing older
 * than the policy's bound may remain.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUP_ROTATION } from '../../src/modules/privacy/inventory.js';
import {
  BACKUP_KEEP_DEFAULTS,
  maxKeptDays,
  planRotation,
  rotationPolicy,
  type KeepPolicy,
  type RotationCandidate,
} from '../../src/modules/backups/rotation.js';
import { createBackupService } from '../../src/modules/backups/service.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';

const DAY = 86_400_000;

/** yyyy-mm-dd of a UTC time. */
const dateOf = (d: Date) => d.toISOString().slice(0, 10);
/** The Monday (UTC) of the ISO week a time falls in. */
function mondayOf(d: Date): string {
  const midnight = new Date(`${dateOf(d)}T00:00:00Z`);
  const weekday = (midnight.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return dateOf(new Date(midnight.getTime() - weekday * DAY));
}
const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/** What the policy should keep, from calendar labels rather than day numbers. */
function expected(backups: RotationCandidate[], now: Date, keep: KeepPolicy): Set<string> {
  const healthy = backups.filter((b) => !b.failed);
  const newestWhere = (match: (b: RotationCandidate) => boolean) =>
    healthy.filter(match).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  const out = new Set<string>();
  for (let i = 0; i < keep.daily; i++) {
    const day = dateOf(new Date(now.getTime() - i * DAY));
    const b = newestWhere((x) => dateOf(x.createdAt) === day);
    if (b) out.add(b.name);
  }
  for (let i = 0; i < keep.weekly; i++) {
    const monday = mondayOf(new Date(now.getTime() - i * 7 * DAY));
    const b = newestWhere((x) => mondayOf(x.createdAt) === monday);
    if (b) out.add(b.name);
  }
  for (let i = 0; i < keep.monthly; i++) {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const b = newestWhere((x) => monthOf(x.createdAt) === monthOf(first));
    if (b) out.add(b.name);
  }
  return out;
}

function simulate(keep: KeepPolicy, days: number): void {
  let kept: RotationCandidate[] = [];
  const start = Date.UTC(2024, 11, 20, 2, 0, 0); // crosses a year end and a 53-week ISO year
  for (let day = 0; day < days; day++) {
    const night = new Date(start + day * DAY);
    if (day % 37 >= 34) continue; // the machine was off for three nights
    const made: RotationCandidate[] = [{ name: `b-${day}-night`, createdAt: night, failed: day % 23 === 5 }];
    if (day % 5 === 0)
      made.push({ name: `b-${day}-manual`, createdAt: new Date(night.getTime() + 9 * 3_600_000) });
    for (const backup of made) {
      kept.push(backup);
      const now = backup.createdAt;
      const plan = planRotation(kept, now, keep);
      const healthyKept = [...plan.keep.entries()].filter(([, slots]) => slots.length > 0).map(([n]) => n);
      expect(new Set(healthyKept), `night ${day}`).toEqual(expected(kept, now, keep));
      for (const [name, slots] of plan.keep) {
        const b = kept.find((x) => x.name === name)!;
        if (b.failed) expect(slots).toEqual([]);
        expect(now.getTime() - b.createdAt.getTime()).toBeLessThanOrEqual(maxKeptDays(keep) * DAY);
      }
      expect(plan.keep.size + plan.remove.length).toBe(kept.length);
      if (!backup.failed) expect(plan.keep.get(backup.name)).toContain('daily');
      kept = kept.filter((b) => plan.keep.has(b.name));
    }
    expect(kept.filter((b) => !b.failed).length).toBeLessThanOrEqual(keep.daily + keep.weekly + keep.monthly);
  }
}

describe('backup rotation', () => {
  it('keeps exactly 7 daily, 4 weekly and 3 monthly backups over 15 simulated months', () => {
    simulate(BACKUP_KEEP_DEFAULTS, 460);
  });

  it('follows other policies the same way', () => {
    simulate({ daily: 3, weekly: 0, monthly: 12 }, 400);
    simulate({ daily: 14, weekly: 8, monthly: 0 }, 120);
  });

  it('keeps a backup that failed verification a few days (so staff see it) but never in a slot', () => {
    const now = new Date('2025-03-10T02:00:00Z');
    const plan = planRotation(
      [
        { name: 'good', createdAt: new Date('2025-03-09T02:00:00Z') },
        { name: 'bad', createdAt: new Date('2025-03-10T02:00:00Z'), failed: true },
        { name: 'old-bad', createdAt: new Date('2025-02-20T02:00:00Z'), failed: true },
      ],
      now,
    );
    expect(plan.keep.get('good')).toEqual(['daily', 'weekly', 'monthly']);
    expect(plan.keep.get('bad')).toEqual([]);
    expect(plan.remove).toEqual(['old-bad']);
  });

  it('words the policy for the privacy texts from the defaults', () => {
    expect(BACKUP_ROTATION).toEqual(rotationPolicy(BACKUP_KEEP_DEFAULTS));
    expect(BACKUP_ROTATION.maxDays).toBe(93);
    expect(BACKUP_ROTATION.en).toBe(
      '7 daily, 4 weekly and 3 monthly copies: erased data leaves the last backup after about 3 months',
    );
    expect(BACKUP_ROTATION.pl).toBe(
      '7 kopii dziennych, 4 tygodniowe i 3 miesięczne: usunięte dane znikają z ostatniej kopii po ok. 3 miesiącach',
    );
    expect(rotationPolicy({ daily: 1, weekly: 2, monthly: 1 }).pl).toBe(
      '1 kopia dzienna, 2 tygodniowe i 1 miesięczna: usunięte dane znikają z ostatniej kopii po ok. miesiącu',
    );
    expect(rotationPolicy({ daily: 14, weekly: 0, monthly: 0 })).toEqual({
      en: '14 daily, 0 weekly and 0 monthly copies: erased data leaves the last backup after about 14 days',
      pl: '14 kopii dziennych, 0 tygodniowych i 0 miesięcznych: usunięte dane znikają z ostatniej kopii po ok. 14 dniach',
      maxDays: 14,
    });
  });
});

describe('backup rotation on disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-rotation-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('deletes the backups (and their records) the policy does not keep, and leaves other files alone', async () => {
    const names: string[] = [];
    for (let day = 0; day < 60; day++) {
      const at = new Date(Date.UTC(2025, 0, 1, 2, 0, 0) + day * DAY);
      const iso = at.toISOString();
      const name = `frontdesk-${iso.slice(0, 10).replace(/-/g, '')}-020000Z.backup`;
      fs.writeFileSync(path.join(dir, name), 'x');
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ createdAt: iso, encrypted: false }));
      names.push(name);
    }
    fs.writeFileSync(path.join(dir, 'erasures.jsonl'), '');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'kept by hand');
    const backups = createBackupService({
      db: undefined,
      storage: undefined,
      logger: createLogger({ level: 'silent', pretty: false, service: 'test' }),
      metrics: createMetrics(),
      settings: { enabled: true, dir, hourUtc: 2, keep: BACKUP_KEEP_DEFAULTS, encryptionKey: undefined },
      migrationsDir: path.join(import.meta.dirname, '..', '..', 'migrations'),
      appVersion: 'test',
    });
    const now = new Date('2025-03-01T12:00:00Z');
    const deleted = await backups.rotate(now);
    const left = fs.readdirSync(dir).sort();
    const keptBackups = left.filter((f) => f.endsWith('.backup'));
    // Days: 02-23 … 03-01 (7); weeks from Mondays 02-24, 02-17, 02-10, 02-03: 03-01, 02-23, 02-16,
    // 02-09; months: March (03-01), February (02-28), January (01-31).
    expect(keptBackups).toEqual(
      [
        '20250131',
        '20250209',
        '20250216',
        '20250223',
        '20250224',
        '20250225',
        '20250226',
        '20250227',
        '20250228',
        '20250301',
      ].map((d) => `frontdesk-${d}-020000Z.backup`),
    );
    expect(left).toEqual(
      [...keptBackups.flatMap((n) => [n, `${n}.json`]), 'erasures.jsonl', 'notes.txt'].sort(),
    );
    expect(deleted.length).toBe(60 - keptBackups.length);
    const listed = await backups.list(now);
    expect(listed[0]!.name).toBe('frontdesk-20250301-020000Z.backup');
    expect(listed[0]!.slots).toEqual(['daily', 'weekly', 'monthly']);
    expect(listed.find((b) => b.name.includes('20250131'))!.slots).toEqual(['monthly']);
  });
});
