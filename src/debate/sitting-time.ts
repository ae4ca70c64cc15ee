/**
 * Times of day as parlparse writes them in `time` attributes, normalised to `HH:MM`.
 *
 * Forms seen in the feeds (the 2009 week and a 2023 Commons day):
 * `011:32:00` (Commons, Lords and Westminster Hall: the hour zero-padded to three digits),
 * `11:32:00` (Commons 2023, Scottish Parliament), `11:32` (NI Assembly, standing
 * committees), `9:30` (standing committees), `unknown` and `` (no time). Also accepted,
 * since other scrapes of Hansard write them: `1132`, `11.32` and a trailing `am`/`pm`
 * (`4.31 pm`). Seconds, when given, are dropped: Hansard prints times to the minute.
 */
import { optional } from './attrs.js';
import type { Issues } from './issues.js';
import type { Attributes } from './xml-scanner.js';

/** What the feeds write when they have no time: not a malformed time, so no warning. */
const NO_TIME: ReadonlySet<string> = new Set(['unknown', 'none', 'n/a']);

const DIGIT_0 = 48;
const COLON = 58;
const DOT = 46;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `HH:MM` for a time parlparse wrote, `null` for "no time" (`unknown`, empty), `undefined`
 * when `raw` is not a time at all. The feeds' forms are read by character codes, with no
 * regular expression and no allocation beyond the result: this runs once per speech.
 */
export function normaliseTime(raw: string): string | null | undefined {
  const s = raw.trim();
  if (s === '') return null;
  const parts = clock(s);
  if (parts !== undefined) return `${pad(parts[0])}:${pad(parts[1])}`;
  const lower = s.toLowerCase();
  return NO_TIME.has(lower) ? null : twelveHour(lower);
}

const TWELVE_HOUR = /^(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?m\.?$/;

/** `4.31 pm` → `16:31`, `4 pm` → `16:00`, `12.05 am` → `00:05`; undefined otherwise. */
function twelveHour(s: string): string | undefined {
  const m = TWELVE_HOUR.exec(s);
  if (m === null) return undefined;
  const hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  if (hour < 1 || hour > 12 || minute > 59) return undefined;
  return `${pad((hour % 12) + (m[3] === 'p' ? 12 : 0))}:${pad(minute)}`;
}

/**
 * [hour, minute] of `H:MM`, `HH:MM`, `0HH:MM` (each optionally `:SS`), `H.MM`, `HH.MM`,
 * `HHMM`; undefined otherwise or when out of range.
 */
function clock(s: string): [number, number] | undefined {
  let sep = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON || c === DOT) {
      sep = i;
      break;
    }
  }
  let hour: number;
  let rest: number;
  if (sep < 0) {
    // `1132`: only the four-digit form is unambiguous.
    if (s.length !== 4) return undefined;
    hour = twoDigits(s, 0);
    rest = 2;
  } else {
    hour = hourDigits(s, sep);
    rest = sep + 1;
  }
  const minute = twoDigits(s, rest);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  const end = rest + 2;
  if (end === s.length) return [hour, minute];
  // Seconds: `:SS`, only after a colon-separated clock.
  if (s.charCodeAt(sep) !== COLON || s.charCodeAt(end) !== COLON || end + 3 !== s.length) return undefined;
  const second = twoDigits(s, end + 1);
  return second < 0 || second > 59 ? undefined : [hour, minute];
}

/** The hour before `sep`: one or two digits, or three with a leading zero (`011`). */
function hourDigits(s: string, sep: number): number {
  if (sep === 1) return digit(s, 0);
  if (sep === 2) return twoDigits(s, 0);
  if (sep === 3 && s.charCodeAt(0) === DIGIT_0) return twoDigits(s, 1);
  return -1;
}

/**
 * An item's `time` attribute as `HH:MM`, or null. A value that is no time is reported as
 * a warning naming the item's gid and stored as null: a bad time must not cost the speech.
 */
export function sittingTime(
  attrs: Attributes,
  issues: Issues,
  at: number,
  element: string,
  gid: string,
): string | null {
  const raw = optional(attrs, 'time');
  if (raw === null) return null;
  const time = normaliseTime(raw);
  if (time !== undefined) return time;
  issues.warn(at, `${element}@time`, `unreadable time "${raw}" on ${gid}; stored without a time`);
  return null;
}
