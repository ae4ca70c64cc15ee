/**
 * When digests are due. A digest period is named by the local date (ALERT_TIMEZONE) of its
 * scheduled instant — DIGEST_HOUR every day, or on DIGEST_WEEKDAY for weekly ones — and
 * covers the matches logged up to that instant. The latest instant not after `now` is
 * the one due, so a server that was down at the hour catches up when it returns.
 */

export interface DigestSchedule {
  hour: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  timeZone: string;
}

export interface DigestPeriod {
  /** Unique per subscription and period: `2030-01-08` (daily) or `week-2030-01-06` (weekly). */
  key: string;
  /** Matches logged up to this instant go into the digest. */
  cutoff: Date;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(date: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Milliseconds the zone is ahead of UTC at `date`. */
function offsetMs(date: Date, timeZone: string): number {
  const p = localParts(date, timeZone);
  return (
    Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) -
    Math.floor(date.getTime() / 1000) * 1000
  );
}

/** The UTC instant of a local wall-clock time (the first one, when clocks go back). */
export function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  let t = guess - offsetMs(new Date(guess), timeZone);
  t = guess - offsetMs(new Date(t), timeZone);
  return new Date(t);
}

function isoDate(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

/** The local calendar date `days` after y-m-d. */
function addDays(y: number, m: number, d: number, days: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

export function dailyPeriod(now: Date, s: DigestSchedule): DigestPeriod {
  const p = localParts(now, s.timeZone);
  let date: [number, number, number] = [p.year, p.month, p.day];
  let at = zonedTime(...date, s.hour, s.timeZone);
  if (at > now) {
    date = addDays(...date, -1);
    at = zonedTime(...date, s.hour, s.timeZone);
  }
  return { key: isoDate(...date), cutoff: at };
}

export function weeklyPeriod(now: Date, s: DigestSchedule): DigestPeriod {
  const p = localParts(now, s.timeZone);
  const todayWeekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  let date = addDays(p.year, p.month, p.day, -((todayWeekday - s.weekday + 7) % 7));
  let at = zonedTime(...date, s.hour, s.timeZone);
  if (at > now) {
    date = addDays(...date, -7);
    at = zonedTime(...date, s.hour, s.timeZone);
  }
  return { key: `week-${isoDate(...date)}`, cutoff: at };
}
