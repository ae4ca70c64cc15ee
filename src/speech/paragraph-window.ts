/**
 * How much text one response may carry. A debate page or a speech is read a window of
 * paragraphs at a time: paragraphs in order until their text reaches a character budget
 * (or a count), with a cursor for the next window; a paragraph longer than a cap is cut
 * and says so. Stored text has no length limit of its own (one 50 MB paragraph once made
 * a 2 GB process and a 100 MB search answer), so every reader bounds what it asks for in
 * SQL: Postgres sends at most the cap of each paragraph, and sizes are taken with
 * octet_length, which reads a stored value's header rather than the value.
 */
import { escapeHtml } from '../html/escape.js';
import type { Params } from '../search/sql.js';

export interface ResponseLimits {
  /** Characters of one paragraph's text shown; a longer one is cut and flagged. */
  paragraphChars: number;
  /** Bytes of a paragraph's stored HTML used as is; longer HTML is replaced by its (cut) text, escaped. */
  paragraphHtmlBytes: number;
  /** Bytes of text and HTML per response, summed over its paragraphs (the last one may overrun it by one paragraph). */
  pageBytes: number;
  /** Paragraphs per response. */
  pageParagraphs: number;
}

/**
 * The longest paragraph in the shared week is ~19,000 characters and its longest debate
 * ~1 MB of markup: real text is never cut, and only the longest days' debates are paged.
 */
export const RESPONSE_LIMITS: ResponseLimits = {
  paragraphChars: 100_000,
  paragraphHtmlBytes: 200_000,
  pageBytes: 2_000_000,
  pageParagraphs: 2_000,
};

/** A paragraph as a response shows it. */
export interface WindowParagraph {
  seq: number;
  pid: string | null;
  cls: string | null;
  html: string;
  body: string;
  /** True when `body` (and so `html`) is only the start of the stored text. */
  truncated: boolean;
  /** The stored text's length in characters, when truncated. */
  fullLength?: number;
}

/** Row columns the SQL below yields for one paragraph (all null for a speech without paragraphs). */
export interface CappedParagraphRow {
  para_seq: number | null;
  pid: string | null;
  cls: string | null;
  body: string | null;
  html: string | null;
  full_length: number | null;
}

/** What a paragraph costs in a response: its text and HTML as capped, in bytes. */
export function paragraphCost(p: string, params: Params, limits: ResponseLimits): string {
  const cap = params.add(limits.paragraphChars);
  const htmlCap = params.add(limits.paragraphHtmlBytes);
  return `(least(octet_length(${p}.body), ${cap}::int) + CASE WHEN ${p}.html IS NOT NULL AND octet_length(${p}.html) <= ${htmlCap}::int
           THEN octet_length(${p}.html) ELSE least(octet_length(${p}.body), ${cap}::int) END)`;
}

/**
 * The capped columns of paragraph alias `p`. full_length is worked out (which reads the
 * whole value) only for a paragraph whose size already says it may be over the cap.
 */
export function cappedParagraphColumns(p: string, params: Params, limits: ResponseLimits): string {
  const cap = params.add(limits.paragraphChars);
  const htmlCap = params.add(limits.paragraphHtmlBytes);
  return `${p}.seq AS para_seq, ${p}.pid, ${p}.cls, left(${p}.body, ${cap}::int) AS body,
          CASE WHEN octet_length(${p}.body) <= ${cap}::int THEN NULL
               WHEN char_length(${p}.body) > ${cap}::int THEN char_length(${p}.body) END AS full_length,
          CASE WHEN octet_length(${p}.html) <= ${htmlCap}::int THEN ${p}.html END AS html`;
}

/** A row of cappedParagraphColumns as shown; null for a speech without paragraphs. */
export function toWindowParagraph(r: CappedParagraphRow): WindowParagraph | null {
  if (r.para_seq === null) return null;
  const body = r.body ?? '';
  const truncated = r.full_length !== null;
  // Stored HTML is NULL when it is the escaped text (migration 008), or left out here when too long.
  const html = !truncated && r.html !== null ? r.html : escapeBody(body);
  return {
    seq: r.para_seq,
    pid: r.pid,
    cls: r.cls,
    html,
    body,
    truncated,
    ...(truncated ? { fullLength: r.full_length ?? body.length } : {}),
  };
}

/** As paragraph_html() escapes a markup-free body. */
function escapeBody(body: string): string {
  return escapeHtml(body).replaceAll('&#39;', "'");
}

/** Position of the last paragraph shown: `speechSeq.paragraphSeq` (-1 for a speech without paragraphs). */
export interface WindowKey {
  speechSeq: number;
  paragraphSeq: number;
}

const KEY = /^(\d{1,9})\.(-1|\d{1,9})$/;

export function encodeWindowKey(k: WindowKey): string {
  return `${k.speechSeq}.${k.paragraphSeq}`;
}

export function decodeWindowKey(s: string): WindowKey | null {
  const m = KEY.exec(s);
  return m ? { speechSeq: Number(m[1]), paragraphSeq: Number(m[2]) } : null;
}

/**
 * The rows that fit: in order, while the bytes before each are under the budget (so at
 * least one, however large), at most pageParagraphs. `more` when the query had rows past them.
 */
export function fitWindow<R extends { before: number | string }>(
  rows: R[],
  windowRows: number,
  limits: ResponseLimits,
): { kept: R[]; more: boolean } {
  const kept: R[] = [];
  for (const r of rows) {
    if (kept.length >= limits.pageParagraphs) break;
    if (kept.length > 0 && Number(r.before) >= limits.pageBytes) break;
    kept.push(r);
  }
  return { kept, more: windowRows > kept.length };
}
