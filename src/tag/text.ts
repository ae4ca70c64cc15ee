/**
 * Text to classifier terms: natural's word tokenizer and Porter stemmer, stemmed unigrams
 * (stop words dropped) and bigrams (kept unless both words are stop words, because
 * "contract out" and "sale of" carry the meaning). Each term keeps the span it came from
 * so the classifier's evidence can point at words in the paragraph.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import tokenizers from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';
import stopwordList from 'natural/lib/natural/util/stopwords.js';

const tokenizer = new tokenizers.WordTokenizer();
const STOPWORDS = new Set(stopwordList.words);

export interface Word {
  stem: string;
  stop: boolean;
}

/**
 * Lower-casing, stemming and the stop-word test dominate tagging time, and parliamentary
 * vocabulary is small, so each distinct surface word is analysed once and memoised
 * (null: a number or a single character, dropped as noise).
 */
const wordCache = new Map<string, Word | null>();
const WORD_CACHE_LIMIT = 200_000;

export function analyseWord(word: string): Word | null {
  let w = wordCache.get(word);
  if (w === undefined) {
    const lower = word.toLowerCase();
    w =
      word.length < 2 || /^[0-9_]+$/.test(word)
        ? null
        : { stem: PorterStemmer.stem(lower), stop: STOPWORDS.has(lower) };
    if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
    wordCache.set(word, w);
  }
  return w;
}

/** The paragraph's words in order, without offsets: the fast path used for scoring. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const raw of tokenizer.tokenize(text)) {
    const w = analyseWord(raw);
    if (w !== null) out.push(w);
  }
  return out;
}

export interface Token extends Word {
  start: number;
  end: number;
}

/** Word tokens with their offsets (for evidence spans); same words as `words`. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let cursor = 0;
  for (const raw of tokenizer.tokenize(text)) {
    const start = text.indexOf(raw, cursor);
    if (start < 0) continue;
    cursor = start + raw.length;
    const w = analyseWord(raw);
    if (w !== null) out.push({ ...w, start, end: cursor });
  }
  return out;
}

export interface Term {
  /** `stem` for a unigram, `stem1 stem2` for a bigram. */
  key: string;
  start: number;
  end: number;
  /** A bigram with a stop word in it ("the public", "are waiting"): no topic of its own. */
  stop?: boolean;
}

/** Whether a unigram / a bigram of these words is a feature (stop words only inside bigrams). */
export const isUnigram = (w: Word): boolean => !w.stop;
export const isBigram = (a: Word, b: Word): boolean => !(a.stop && b.stop);

/** Every unigram and bigram occurrence with its span, in text order. */
export function terms(text: string): Term[] {
  const tokens = tokenize(text);
  const out: Term[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isUnigram(t)) out.push({ key: t.stem, start: t.start, end: t.end });
    const next = tokens[i + 1];
    if (next !== undefined && isBigram(t, next))
      out.push({
        key: `${t.stem} ${next.stem}`,
        start: t.start,
        end: next.end,
        ...(t.stop || next.stop ? { stop: true } : {}),
      });
  }
  return out;
}
