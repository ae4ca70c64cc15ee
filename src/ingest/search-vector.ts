/**
 * A paragraph's full-text vector as Postgres's `to_tsvector('english', body)` would make it,
 * worked out in the parse workers so that the store only has to read it in (COPY text) and
 * index it. Postgres's parser and Snowball dictionary cost more CPU than the rest of ingest
 * together; here a cached stem makes a word cost a map lookup.
 *
 * Only text whose tokens are certain is handled: runs of ASCII letters (words, stemmed and
 * stop-worded as `english_stem` does), runs of digits (kept as they are, as the `simple`
 * dictionary does), hyphenated words (the whole word, then each part, each at its own
 * position), separated by blanks and plain punctuation. Anything the default parser could
 * read as something else (hosts, e-mail, URLs, file paths, versions, decimals, tags,
 * entities, letters next to digits, non-ASCII letters, whose class depends on the server's
 * locale) gives null, and Postgres computes that paragraph itself. The rules are checked
 * against `to_tsvector` on every paragraph of the shared week (tests/ingest/search-vector.test.ts).
 */
import { newStemmer } from 'snowball-stemmers';

/** Postgres's `english.stop` (tsearch_data), which the `english_stem` dictionary drops. */
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is ' +
    'are was were be been being have has had having do does did doing a an the and but if or because as until ' +
    'while of at by for with about against between into through during before after above below to from up ' +
    'down in out on off over under again further then once here there when where why how all any both each ' +
    'few more most other some such no nor not only own same so than too very s t can will just don should now'
  ).split(' '),
);

/**
 * Non-ASCII characters that are plain punctuation in Hansard. Whether Postgres's parser
 * reads them as blanks depends on the server's `lc_ctype` (under `C` every non-ASCII
 * character counts as a letter), so the store is asked (searchVectorSettings).
 */
export const UNICODE_PUNCTUATION = ['‘', '’', '“', '”', '–', '—', '…', '£', '€'] as const;

export interface SearchVectorSettings {
  /** Those of UNICODE_PUNCTUATION that this store's parser reads as blanks. */
  blanks: string;
}

/**
 * Words whose stems changed between Snowball releases (doubled consonants before -ed/-ing,
 * -ly, -ness, -ization), with everyday ones: a store whose stemmer stems any of them
 * differently does not get vectors from here.
 */
export const STEMMER_PROBE =
  'added adding fitted hopping planned stopped succeeded proceeded agreed needed generously ' +
  'happiness organization organisations privatisation outsourcing hospitals trusts commissioning ' +
  'dying lying tying skies news cannily early only singly sky howe atlas cosmos bias andes ' +
  'inning outing canning herring earring proceed exceed succeed generate generic communism arsenal';

/** Settings that handle ASCII text only: right for any store, before it has been asked. */
export const ASCII_ONLY: SearchVectorSettings = { blanks: '' };

// Postgres keeps at most 256 positions per lexeme and positions up to 16383: stay well clear.
const MAX_POSITIONS_PER_LEXEME = 200;
const MAX_POSITION = 16_000;
const MAX_TOKEN = 200;

const english = newStemmer('english');

/**
 * Token as written → its lexeme ('' for a stop word). A parliament's vocabulary is a few
 * hundred thousand spellings, most of them rare, so the cache is simply emptied when full.
 */
const LEXEMES = new Map<string, string>();
const CACHE_SIZE = 300_000;

function lexemeOf(token: string): string {
  let lexeme = LEXEMES.get(token);
  if (lexeme === undefined) {
    const lower = token.toLowerCase();
    lexeme = STOP_WORDS.has(lower) ? '' : english.stem(lower);
    if (LEXEMES.size >= CACHE_SIZE) LEXEMES.clear();
    LEXEMES.set(token, lexeme);
  }
  return lexeme;
}

const LETTER = 1;
const DIGIT = 2;
const BLANK = 3;
const HYPHEN = 4;
const DOT = 5;
const COLON = 6;
const OTHER = 0;

/** ASCII classes; punctuation not listed here may start a token of its own (tags, entities, paths, e-mail). */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z]/.test(ch)) ASCII_CLASS[c] = LETTER;
  else if (/[0-9]/.test(ch)) ASCII_CLASS[c] = DIGIT;
  else if (' \t\n\r,;?!()[]"\''.includes(ch)) ASCII_CLASS[c] = BLANK;
  else if (ch === '-') ASCII_CLASS[c] = HYPHEN;
  else if (ch === '.') ASCII_CLASS[c] = DOT;
  else if (ch === ':') ASCII_CLASS[c] = COLON;
}

function classAt(text: string, at: number, blanks: string): number {
  if (at >= text.length) return BLANK;
  const c = text.charCodeAt(at);
  if (c < 128) return ASCII_CLASS[c]!;
  return blanks.includes(text[at]!) ? BLANK : OTHER;
}

/** Lexeme → positions. Every token takes a position, a dropped stop word included, as in Postgres. */
class Positions {
  private readonly at = new Map<string, number[]>();
  private position = 0;

  add(lexeme: string): boolean {
    if (++this.position > MAX_POSITION) return false;
    if (lexeme === '') return true;
    const list = this.at.get(lexeme);
    if (!list) this.at.set(lexeme, [this.position]);
    else if (list.push(this.position) > MAX_POSITIONS_PER_LEXEME) return false;
    return true;
  }

  text(): string {
    let out = '';
    for (const [lexeme, list] of this.at) out += `${out ? ' ' : ''}'${lexeme}':${list.join(',')}`;
    return out;
  }
}

/** A run of letters (and hyphenated runs) from `start`: its end, or -1 when the text is not certain. */
function addWord(text: string, start: number, blanks: string, out: Positions): number {
  let i = start;
  while (classAt(text, i, blanks) === LETTER) i++;
  let k = classAt(text, i, blanks);
  if (k === DIGIT) return -1;
  if (k !== HYPHEN || classAt(text, i + 1, blanks) !== LETTER) {
    if (i - start > MAX_TOKEN) return -1;
    return out.add(lexemeOf(text.slice(start, i))) ? i : -1;
  }
  // A hyphenated word: whole, then its parts, each at a position of its own.
  const bounds = [start];
  while (k === HYPHEN && classAt(text, i + 1, blanks) === LETTER) {
    bounds.push(i);
    i++;
    while (classAt(text, i, blanks) === LETTER) i++;
    k = classAt(text, i, blanks);
  }
  if (k === DIGIT || k === HYPHEN || i - start > MAX_TOKEN) return -1;
  bounds.push(i);
  if (!out.add(lexemeOf(text.slice(start, i)))) return -1;
  for (let p = 0; p + 1 < bounds.length; p++) {
    const from = p === 0 ? bounds[0]! : bounds[p]! + 1;
    if (!out.add(lexemeOf(text.slice(from, bounds[p + 1])))) return -1;
  }
  return i;
}

/**
 * The `tsvector` text Postgres's `to_tsvector('english', text)` gives, or null when the text
 * holds anything whose tokens are not certain (the store then computes it).
 */
export function searchVector(text: string, settings: SearchVectorSettings = ASCII_ONLY): string | null {
  const { blanks } = settings;
  const out = new Positions();
  const n = text.length;
  let i = 0;
  while (i < n) {
    const k = classAt(text, i, blanks);
    if (k === BLANK) {
      i++;
    } else if (k === LETTER) {
      i = addWord(text, i, blanks, out);
      if (i < 0) return null;
    } else if (k === DIGIT) {
      const start = i;
      while (classAt(text, i, blanks) === DIGIT) i++;
      if (classAt(text, i, blanks) === LETTER || i - start > MAX_TOKEN) return null;
      if (!out.add(text.slice(start, i))) return null;
    } else if (k === OTHER) {
      return null;
    } else {
      // Followed by a word character these start hosts, versions, decimals, paths, URLs and signed numbers.
      const after = classAt(text, i + 1, blanks);
      if (after === LETTER || after === DIGIT || (k === DOT && after === DOT)) return null;
      if (
        k === HYPHEN &&
        (after === HYPHEN || after === DOT || (i > 0 && classAt(text, i - 1, blanks) === HYPHEN))
      )
        return null;
      i++;
    }
  }
  return out.text();
}
