/**
 * Hansard-style citations (`HC Deb 26 October 2009 vol 498 c12`), the form researchers
 * quote. Pure: everything comes from the row.
 */
import type { FeedType } from '../debate/types.js';

interface CitationStyle {
  /** What the citation starts with, before the date. */
  label: string;
  /** Put around a bare column number: Lords written answers are `cWA101`, Westminster Hall `c45WH`. */
  columnPrefix?: string;
  columnSuffix?: string;
}

/**
 * Commons chamber and Lords follow Hansard's own `HC Deb` / `HL Deb`; the other Commons
 * series are named in full so that a reader who does not know the column suffixes can
 * still tell them apart. Lords written answers and statements keep `HL Deb` because their
 * column prefixes (`WA`, `WS`) are how the Lords series is cited.
 */
export const CITATION_STYLES: Readonly<Record<FeedType, CitationStyle>> = {
  debates: { label: 'HC Deb' },
  westminhall: { label: 'Westminster Hall', columnSuffix: 'WH' },
  wrans: { label: 'Written Answers', columnSuffix: 'W' },
  wms: { label: 'Written Ministerial Statements', columnSuffix: 'WS' },
  lordspages: { label: 'HL Deb' },
  lordswrans: { label: 'HL Deb', columnPrefix: 'WA' },
  lordswms: { label: 'HL Deb', columnPrefix: 'WS' },
  sp: { label: 'SP OR' },
  // Scottish written answers have no columns; they are cited by question number.
  'sp-written': { label: 'SP Written Answers' },
  // The Official Report since 2024 prints no columns: the date is the reference.
  'sp-new': { label: 'SP OR' },
  ni: { label: 'NIA Official Report' },
  standing: { label: 'PBC Deb' },
};

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
  const label = input.type === 'standing' && input.billTitle ? `${input.billTitle} Deb` : style.label;
  const parts = [label, citationDate(input.sitting_date)];
  if (input.volume !== null && input.volume !== undefined && input.volume !== '')
    parts.push(`vol ${input.volume}`);
  const ref = input.type === 'sp-written' ? spQuestionNumber(input.gid) : column(input.colnum, style);
  if (ref) parts.push(ref);
  return parts.join(' ');
}

function styleFor(type: string): CitationStyle {
  return Object.hasOwn(CITATION_STYLES, type) ? CITATION_STYLES[type as FeedType] : { label: type };
}

/**
 * A bare number gets the series' prefix/suffix; a colnum that already carries letters
 * (`133W`, `1WS`, `GC12`) is what Hansard printed and is kept as it is.
 */
function column(colnum: string | null, style: CitationStyle): string | null {
  const col = colnum?.trim();
  if (!col) return null;
  if (!/^\d+$/.test(col)) return `c${col}`;
  return `c${style.columnPrefix ?? ''}${col}${style.columnSuffix ?? ''}`;
}

/** `uk.org.publicwhip/spwa/2009-10-26.S3W-28257.h` → `S3W-28257`. */
function spQuestionNumber(gid: string | null | undefined): string | null {
  return (gid && /\.(S\d+[A-Z]-\d+)\b/.exec(gid)?.[1]) || null;
}
