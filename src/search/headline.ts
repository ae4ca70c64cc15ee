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

/** A phrase's words: each lexeme with its distance from the previous one (`<->` is 1, `<2>` skips a stop word). */
export type Phrase = { lexeme: string; gap: number }[];

/** What a query highlights: words wanted on their own, and phrases whose words count only together. */
export interface QueryTerms {
  singles: Set<string>;
  phrases: Phrase[];
}

const PHRASE_TOKEN = /'((?:[^']|'')*)'(?::\*?[A-D]*)?|<(-|\d+)>|[!()&|]/g;

/**
 * The query's wanted words split into phrases (`'royal' <-> 'mail'`) and single words, so
 * that a phrase search marks "Royal Mail" and not every "royal" and "mail" of the excerpt.
 */
export function queryTerms(tsquery: string): QueryTerms {
  const wanted = wantedLexemes(tsquery);
  const chains: Phrase[] = [];
  let chain: Phrase = [];
  let gap: number | null = null;
  for (const m of tsquery.matchAll(PHRASE_TOKEN)) {
    if (m[1] !== undefined) {
      const lexeme = m[1].replaceAll("''", "'");
      if (gap !== null && chain.length > 0) chain.push({ lexeme, gap });
      else {
        if (chain.length) chains.push(chain);
        chain = [{ lexeme, gap: 0 }];
      }
      gap = null;
    } else if (m[2] !== undefined) gap = m[2] === '-' ? 1 : Number(m[2]);
    else {
      gap = null;
      if (chain.length) chains.push(chain);
      chain = [];
    }
  }
  if (chain.length) chains.push(chain);
  const singles = new Set<string>();
  const phrases: Phrase[] = [];
  for (const c of chains) {
    if (!c.every((w) => wanted.has(w.lexeme))) continue;
    if (c.length > 1) phrases.push(c);
    else singles.add(c[0]!.lexeme);
  }
  return { singles, phrases };
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

function words(text: string, terms: ReadonlySet<string> | QueryTerms): Word[] {
  const { singles, phrases } = terms instanceof Set ? { singles: terms, phrases: [] } : (terms as QueryTerms);
  const all = [...singles, ...phrases.flatMap((p) => p.map((w) => w.lexeme))];
  // English stemming keeps a word's first letter, so most words need no stemming at all.
  const initials = new Set(all.map((l) => l[0]));
  const out: Word[] = [];
  const stems: (string | null)[] = [];
  for (const m of text.matchAll(WORD)) {
    const lower = m[0].toLowerCase();
    const s = initials.has(lower[0]) ? stem(lower) : null;
    stems.push(s);
    out.push({ start: m.index, end: m.index + m[0].length, matched: s !== null && singles.has(s) });
  }
  for (const phrase of phrases) markPhrase(out, stems, phrase);
  return out;
}

/** Marks every run of words spelling `phrase` (its gaps counted in words, as Postgres counts positions). */
function markPhrase(ws: Word[], stems: readonly (string | null)[], phrase: Phrase): void {
  for (let i = 0; i < ws.length; i++) {
    const at: number[] = [];
    let pos = i;
    for (const [k, w] of phrase.entries()) {
      pos += k === 0 ? 0 : w.gap;
      if (stems[pos] !== w.lexeme) break;
      at.push(pos);
    }
    if (at.length === phrase.length) for (const p of at) ws[p]!.matched = true;
  }
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
  lexemes: ReadonlySet<string> | QueryTerms,
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
