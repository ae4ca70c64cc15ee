/**
 * Popolo dates may be partial (`1957`, `1957-03`). A partial start means "some time in
 * that period", so for containment it is widened to the period's first day and a partial
 * end to its last; full ISO dates then compare correctly as plain strings.
 */

/** Earliest day a (possibly partial) date can mean; an open start is the distant past. */
export function lowerBound(date: string | null): string {
  if (!date) return '0000-01-01';
  if (date.length === 4) return `${date}-01-01`;
  if (date.length === 7) return `${date}-01`;
  return date;
}

/** Latest day a (possibly partial) date can mean; an open end is the distant future. */
export function upperBound(date: string | null): string {
  if (!date) return '9999-12-31';
  if (date.length === 4) return `${date}-12-31`;
  // `-31` for every month is fine: the bound is only ever compared as a string.
  if (date.length === 7) return `${date}-31`;
  return date;
}

/** Days since the epoch of a full `YYYY-MM-DD` bound, for measuring gaps between periods. */
export function dayNumber(isoDay: string): number {
  const y = Number(isoDay.slice(0, 4));
  const m = Number(isoDay.slice(5, 7));
  const d = Number(isoDay.slice(8, 10));
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Days between a day and a [lo, hi] period: 0 when inside. */
export function gapInDays(day: string, lo: string, hi: string): number {
  if (day < lo) return dayNumber(lo) - dayNumber(day);
  if (day > hi) return dayNumber(day) - dayNumber(hi);
  return 0;
}

/** The day a sitting date names; a timestamp is cut to its day, a partial date widened to its first. */
export function dayOf(date: string): string {
  return date.length > 10 ? date.slice(0, 10) : lowerBound(date);
}
