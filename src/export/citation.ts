/**
 * Hansard-style citations (`HC Deb 26 October 2009 vol 498 c12`), the form researchers
 * quote. Pure: everything comes from the row.
 */
import { feedTypeEntry, type CitationStyle } from '../parliament/index.js';

export interface CitationInput {
  type: string;
  /** `YYYY-MM-DD`. */
  sitting_date: string;
  colnum: string | null;
  /** Used where the reference lives in the gid (Scottish written question numbers). */
  gid?: string | null;
  /** Hansard volume when known (not in the parlparse feeds). */
  volume?: number | string | null;
  /** Public Bill Committee debates are cited by bill: `Child Poverty Bill Deb …`. */
  billTitle?: string | null;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2009-10-26` → `26 October 2009`; anything else is returned unchanged rather than guessed at. */
export function citationDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  if (!m || !month) return isoDate;
  return `${Number(m[3])} ${month} ${m[1]}`;
}

export function citation(input: CitationInput): string {
  const style = styleFor(input.type);
  const label = style.byBill && input.billTitle ? `${input.billTitle} Deb` : style.label;
  const parts = [label, citationDate(input.sitting_date)];
  if (input.volume !== null && input.volume !== undefined && input.volume !== '')
    parts.push(`vol ${input.volume}`);
  const ref = style.byQuestionNumber ? spQuestionNumber(input.gid) : column(input.colnum, style);
  if (ref && style.columnWord) return `${parts.join(' ')}, ${ref}`;
  if (ref) parts.push(ref);
  return parts.join(' ');
}

function styleFor(type: string): CitationStyle {
  return feedTypeEntry(type)?.citation ?? { label: type };
}

/**
 * A bare number gets the series' prefix/suffix; a colnum that already carries letters
 * (`133W`, `1WS`, `GC12`) is what Hansard printed and is kept as it is.
 */
function column(colnum: string | null, style: CitationStyle): string | null {
  const col = colnum?.trim();
  if (!col) return null;
  if (style.columnWord) return `col ${col}`;
  if (!/^\d+$/.test(col)) return `c${col}`;
  return `c${style.columnPrefix ?? ''}${col}${style.columnSuffix ?? ''}`;
}

/** `uk.org.publicwhip/spwa/2009-10-26.S3W-28257.h` → `S3W-28257`. */
function spQuestionNumber(gid: string | null | undefined): string | null {
  return (gid && /\.(S\d+[A-Z]-\d+)\b/.exec(gid)?.[1]) || null;
}
