/**
 * Highlighted excerpts of search results, worked out here rather than by Postgres's
 * ts_headline, which was a fifth of a search's database time under load (it parses every
 * excerpt's paragraph again). Words are matched the way the full-text index matches them:
 * lower-cased and stemmed with Snowball's English stemmer, the stemmer of Postgres's
 * `english` configuration (the same stem for all 28,000 distinct words of the shared week;
 * tests/search/headline.test.ts checks a sample against Postgres). Output uses the
 * markers of ./highlight.ts, so excerptHtml and excerptText apply unchanged.
 */
import { newStemmer } from 'snowball-stemmers';
import { MARK_END, MARK_START } from './highlight.js';

const english = newStemmer('english');

/** How an excerpt is cut, as ts_headline's MaxWords, MinWords and MaxFragments did. */
export interface HeadlineOptions {
  maxWords: number;
  minWords: number;
  maxFragments: number;
}

export const HEADLINE: HeadlineOptions = { maxWords: 35, minWords: 15, maxFragments: 2 };

const FRAGMENT_DELIMITER = ' … ';
/** Words shown before a fragment's first match, so that it reads as a phrase. */
const LEAD_WORDS = 5;
const WORD = /[\p{L}\p{N}]+/gu;
/** Lexemes in a tsquery's text form (`'privat' <-> 'sector'`), quotes doubled inside. */
const QUERY_TOKEN = /'((?:[^']|'')*)'(?::\*?[A-D]*)?|[!()]/g;

/** The lexemes a tsquery (in its text form) looks for, leaving out negated ones (`!'scotland'`). */
export function wantedLexemes(tsquery: string): Set<string> {
  const wanted = new Set<string>();
  const negatedGroups: boolean[] = [];
  let negateNext = false;
  for (const m of tsquery.matchAll(QUERY_TOKEN)) {
    const token = m[0];
    if (token === '!') negateNext = !negateNext;
    else if (token === '(') {
      negatedGroups.push(negateNext || (negatedGroups.at(-1) ?? false));
      negateNext = false;
    } else if (token === ')') negatedGroups.pop();
    else {
      if (!negateNext && !(negatedGroups.at(-1) ?? false)) wanted.add(m[1]!.replaceAll("''", "'"));
      negateNext = false;
    }
  }
  return wanted;
}

interface Word {
  start: number;
  end: number;
  matched: boolean;
}

/**
 * Stems already worked out, across searches: the JavaScript stemmer takes ~7 µs a word,
 * and a parliament's vocabulary is a few hundred thousand words, most of them rare, so
 * the cache is simply emptied when full.
 */
const STEMS = new Map<string, string>();
const STEM_CACHE_SIZE = 100_000;

function stem(lower: string): string {
  let s = STEMS.get(lower);
  if (s === undefined) {
    if (STEMS.size >= STEM_CACHE_SIZE) STEMS.clear();
    s = english.stem(lower);
    STEMS.set(lower, s);
  }
  return s;
}

function words(text: string, lexemes: ReadonlySet<string>): Word[] {
  // English stemming keeps a word's first letter, so most words need no stemming at all.
  const initials = new Set([...lexemes].map((l) => l[0]));
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const lower = m[0].toLowerCase();
    const matched = initials.has(lower[0]) && lexemes.has(stem(lower));
    out.push({ start: m.index, end: m.index + m[0].length, matched });
  }
  return out;
}

/** [first, last] word indexes of each fragment: up to maxFragments runs of words around matches. */
function fragments(ws: readonly Word[], opts: HeadlineOptions): [number, number][] {
  const found: [number, number][] = [];
  let i = 0;
  while (found.length < opts.maxFragments) {
    while (i < ws.length && !ws[i]!.matched) i++;
    if (i >= ws.length) break;
    const previous = found.at(-1);
    const floor = previous ? previous[1] + 1 : 0;
    let first = Math.max(i - LEAD_WORDS, floor);
    const last = Math.min(ws.length - 1, first + opts.maxWords - 1);
    // Near the end of the text: reach back so that the fragment still has MinWords.
    if (last - first + 1 < opts.minWords) first = Math.max(floor, last - opts.minWords + 1);
    // A fragment that starts where the previous one ended is the same run of text.
    if (previous && first === floor) {
      if (last - previous[0] + 1 > opts.maxWords * opts.maxFragments) break;
      previous[1] = last;
    } else found.push([first, last]);
    i = last + 1;
  }
  return found;
}

/** `text` cut to fragments around the words matching `lexemes`, with each match wrapped in markers. */
export function headline(
  text: string,
  lexemes: ReadonlySet<string>,
  opts: HeadlineOptions = HEADLINE,
): string {
  const ws = words(text, lexemes);
  if (ws.length === 0) return '';
  const spans = fragments(ws, opts);
  // No match (a phrase that matched across a stop word, say): the start of the text, as ts_headline gives.
  if (spans.length === 0) spans.push([0, Math.min(ws.length, opts.maxWords) - 1]);
  return spans.map(([first, last]) => marked(text, ws, first, last)).join(FRAGMENT_DELIMITER);
}

function marked(text: string, ws: readonly Word[], first: number, last: number): string {
  let out = '';
  // A fragment at either end of the text keeps the punctuation there (quotes, a full stop).
  let at = first === 0 ? 0 : ws[first]!.start;
  for (let k = first; k <= last; k++) {
    const w = ws[k]!;
    if (!w.matched) continue;
    out += text.slice(at, w.start) + MARK_START + text.slice(w.start, w.end) + MARK_END;
    at = w.end;
  }
  return out + text.slice(at, last === ws.length - 1 ? text.length : ws[last]!.end).trimEnd();
}
