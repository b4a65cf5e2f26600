/**
 * Backup rotation (grandfather-father-son): the newest backup of each of the last N calendar days, of
 * each of the last N ISO weeks and of each of the last N months is kept; everything else is deleted.
 * Periods are calendar periods in UTC counted back from now (today is the first day, this week the
 * first week), so the oldest kept backup has a bounded age: that bound is what the privacy policy
 * cites as the time an erased person can remain in backups.
 *
 * Pure functions and constants only: the privacy inventory and the configuration read the defaults.
 */

export interface KeepPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export type RotationSlot = 'daily' | 'weekly' | 'monthly';

/** The defaults of BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY and BACKUP_KEEP_MONTHLY. */
export const BACKUP_KEEP_DEFAULTS: Readonly<KeepPolicy> = Object.freeze({ daily: 7, weekly: 4, monthly: 3 });

export interface RotationCandidate {
  name: string;
  createdAt: Date;
  /** Verification failed: such a backup holds no slot (it is kept a few days so staff can see it). */
  failed?: boolean;
}

export interface RotationPlan {
  /** Backups that stay, with the slots that keep them (empty for a failed backup still shown). */
  keep: Map<string, RotationSlot[]>;
  /** Backups to delete, oldest first. */
  remove: string[];
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC). */
function dayIndex(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

/** ISO weeks (Monday to Sunday, UTC) since the week of 1970-01-01 (a Thursday). */
function weekIndex(d: Date): number {
  return Math.floor((dayIndex(d) + 3) / 7);
}

function monthIndex(d: Date): number {
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Which backups the policy keeps at `now`, and which it deletes. */
export function planRotation(
  backups: readonly RotationCandidate[],
  now: Date,
  keep: KeepPolicy = BACKUP_KEEP_DEFAULTS,
): RotationPlan {
  const slots = new Map<string, RotationSlot[]>();
  const periods: Array<[RotationSlot, number, (d: Date) => number]> = [
    ['daily', keep.daily, dayIndex],
    ['weekly', keep.weekly, weekIndex],
    ['monthly', keep.monthly, monthIndex],
  ];
  const healthy = backups.filter((b) => !b.failed);
  for (const [slot, count, index] of periods) {
    if (count <= 0) continue;
    const current = index(now);
    const newest = new Map<number, RotationCandidate>();
    for (const b of healthy) {
      // A backup dated in the future (clock skew) counts as made now.
      const period = Math.min(index(b.createdAt), current);
      if (current - period >= count) continue;
      const best = newest.get(period);
      if (
        !best ||
        b.createdAt.getTime() > best.createdAt.getTime() ||
        (b.createdAt.getTime() === best.createdAt.getTime() && b.name > best.name)
      ) {
        newest.set(period, b);
      }
    }
    for (const b of newest.values()) slots.set(b.name, [...(slots.get(b.name) ?? []), slot]);
  }
  const keepFailedFor = Math.max(1, keep.daily);
  for (const b of backups) {
    if (b.failed && dayIndex(now) - dayIndex(b.createdAt) < keepFailedFor) slots.set(b.name, []);
  }
  const remove = backups
    .filter((b) => !slots.has(b.name))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((b) => b.name);
  return { keep: slots, remove };
}

/** The longest time, in days, a backup can be kept under the policy. */
export function maxKeptDays(keep: KeepPolicy): number {
  return Math.max(keep.daily, keep.weekly * 7, keep.monthly * 31);
}

/** Polish plural class: 1 → one, 2–4 (not 12–14) → few, else many. */
function plClass(n: number): 'one' | 'few' | 'many' {
  if (n === 1) return 'one';
  const tens = n % 100;
  const units = n % 10;
  return units >= 2 && units <= 4 && (tens < 12 || tens > 14) ? 'few' : 'many';
}

function plAdjective(stem: string, n: number): string {
  return `${stem}${{ one: 'a', few: 'e', many: 'ych' }[plClass(n)]}`;
}

const enPlural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The rotation in words, in English and Polish, with the number of days after which an erased person
 * is gone from every backup (what erasure records and the privacy policy cite).
 */
export function rotationPolicy(keep: KeepPolicy = BACKUP_KEEP_DEFAULTS): {
  en: string;
  pl: string;
  maxDays: number;
} {
  const maxDays = maxKeptDays(keep);
  const enAbout =
    keep.monthly > 0
      ? enPlural(keep.monthly, 'month')
      : keep.weekly > 0
        ? enPlural(keep.weekly, 'week')
        : enPlural(keep.daily, 'day');
  const plAbout =
    keep.monthly > 0
      ? keep.monthly === 1
        ? 'miesiącu'
        : `${keep.monthly} miesiącach`
      : keep.weekly > 0
        ? keep.weekly === 1
          ? 'tygodniu'
          : `${keep.weekly} tygodniach`
        : keep.daily === 1
          ? 'dniu'
          : `${keep.daily} dniach`;
  const copies = { one: 'kopia', few: 'kopie', many: 'kopii' }[plClass(keep.daily)];
  return {
    en: `${keep.daily} daily, ${keep.weekly} weekly and ${keep.monthly} monthly copies: erased data leaves the last backup after about ${enAbout}`,
    pl: `${keep.daily} ${copies} ${plAdjective('dzienn', keep.daily)}, ${keep.weekly} ${plAdjective('tygodniow', keep.weekly)} i ${keep.monthly} ${plAdjective('miesięczn', keep.monthly)}: usunięte dane znikają z ostatniej kopii po ok. ${plAbout}`,
    maxDays,
  };
}
