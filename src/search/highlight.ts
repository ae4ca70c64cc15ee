/**
 * Highlighted excerpts. Postgres marks matches with two control characters that cannot
 * occur in feed text (XML forbids them); the text is HTML-escaped first and only then are
 * the markers turned into <mark>, so nothing from the record is ever interpreted as markup.
 */
import { escapeHtml } from '../html/escape.js';

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

/** ts_headline options: short fragments around the matches, joined by an ellipsis. */
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;

/** Escaped excerpt with <mark> around matches; unbalanced markers are dropped. */
export function excerptHtml(marked: string): string {
  let out = '';
  let open = false;
  let text = '';
  for (const ch of marked) {
    if (ch !== MARK_START && ch !== MARK_END) {
      text += ch;
      continue;
    }
    out += escapeHtml(text);
    text = '';
    if (ch === MARK_START && !open) out += '<mark>';
    if (ch === MARK_END && open) out += '</mark>';
    open = ch === MARK_START;
  }
  out += escapeHtml(text);
  return open ? out + '</mark>' : out;
}

/** The excerpt as plain text, without markers. */
export function excerptText(marked: string): string {
  return marked.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
}

/** Cuts plain text at a word boundary near `max` characters, adding an ellipsis. */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
