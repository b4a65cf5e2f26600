/** Business hours (knowledge/business.yaml `hours` + `timezone`): open now, and the next opening. */
import type { BusinessProfile } from '../knowledge/types.js';

export interface LocalTime {
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localTime(now: Date, timezone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: WEEKDAYS[get('weekday')] ?? 1,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

function interval(spec: string | undefined): { open: number; close: number } | undefined {
  const m = spec ? /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(spec.trim()) : null;
  if (!m) return undefined;
  const open = Number(m[1]) * 60 + Number(m[2]);
  const close = Number(m[3]) * 60 + Number(m[4]);
  return close > open ? { open, close } : undefined;
}

export type Opening =
  { open: true } | { open: false; next: { daysAhead: number; weekday: number; minutes: number } | undefined };

/** Whether the business is open at `now`, and if not, when it opens next (within a week). */
export function opening(business: Pick<BusinessProfile, 'hours' | 'timezone'>, now: Date): Opening {
  const local = localTime(now, business.timezone);
  const hours = business.hours as Record<string, string | undefined>;
  const today = interval(hours[String(local.weekday)]);
  if (today && local.minutes >= today.open && local.minutes < today.close) return { open: true };
  for (let daysAhead = 0; daysAhead <= 7; daysAhead++) {
    const weekday = ((local.weekday - 1 + daysAhead) % 7) + 1;
    const span = interval(hours[String(weekday)]);
    if (!span) continue;
    if (daysAhead === 0 && local.minutes >= span.open) continue;
    return { open: false, next: { daysAhead, weekday, minutes: span.open } };
  }
  return { open: false, next: undefined };
}

export function formatClock(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}
