/**
 * The debate heading as classifier context (issue #14: the annotator read each paragraph "with
 * its heading"). Heading words become their own features, `h:<stem>`, beside the paragraph's
 * terms: a word in the title ("Probation", "Land Registry") is not the same evidence as the
 * same word in the paragraph, and must never be shown as evidence or count as the paragraph's
 * own topical term (GUIDELINES: the debate title alone must not label a paragraph).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeedFile } from '../debate/parse.js';
import { listCorpusFiles } from './corpus.js';
import { analyseWord, type Term, type Word } from './text.js';
import tokenizers from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';

const tokenizer = new tokenizers.WordTokenizer();

/** Prefix of heading features: the tokenizer never yields ':', so no paragraph term can collide. */
export const HEADING_PREFIX = 'h:';

/** Prefix of neighbouring-paragraph features (the previous and next paragraph of the speech). */
export const NEIGHBOUR_PREFIX = 'n:';

/** A context feature (heading or neighbour word): never the paragraph's own evidence. */
export const isHeadingTerm = (key: string): boolean =>
  key.startsWith(HEADING_PREFIX) || key.startsWith(NEIGHBOUR_PREFIX);

/** Content words of a context text (no stop words, each once) as feature words `<prefix><stem>`. */
export function contextWords(text: string | null | undefined, prefix: string): Word[] {
  if (!text) return [];
  const stems = new Set<string>();
  for (const raw of tokenizer.tokenize(text)) {
    const w = analyseWord(raw);
    if (w !== null && !w.stop) stems.add(w.stem);
  }
  return [...stems].map((s) => ({ stem: `${prefix}${s}`, stop: false }));
}

/** The heading's content words as feature words `h:<stem>`. */
export const headingWords = (heading: string | null | undefined): Word[] =>
  contextWords(heading, HEADING_PREFIX);

/** Context words as vocabulary terms (no span: they are not in the paragraph). */
export function contextTerms(text: string | null | undefined, prefix = HEADING_PREFIX): Term[] {
  return contextWords(text, prefix).map((w) => ({ key: w.stem, start: -1, end: -1 }));
}

/**
 * A `debate` title of the shared real-2015-20 set as the store would hold it: without the
 * annotator's bracketed kind ("(Westminster Hall)", "(asked 2017-12-21)") and the "Written
 * question:" label, which are provenance, not heading words.
 */
export function normaliseDebateTitle(debate: string | null | undefined): string {
  if (!debate) return '';
  return debate
    .replace(/^Written question:\s*/i, '')
    .replace(/(\s*\([^()]*\))+\s*$/, '')
    .trim();
}

/** A speech's heading as the store shows it: major and minor titles, joined. */
export function joinHeading(major: string | null | undefined, minor: string | null | undefined): string {
  return [major, minor].filter((t): t is string => !!t && t.trim() !== '').join(' — ');
}

/** Heading (major — minor) of every speech of the corpus's latest files, by speech gid, via the project's parser. */
export function corpusHeadings(corpusDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of listCorpusFiles(corpusDir)) {
    const bytes = readFileSync(path.join(corpusDir, 'scrapedxml', file));
    const doc = parseFeedFile(bytes, path.basename(file), file.split('/')[0] as never);
    const titles = new Map(doc.headings.map((h) => [h.gid, h.title] as const));
    for (const s of doc.speeches) {
      const major = s.majorHeadingGid === null ? null : titles.get(s.majorHeadingGid);
      const minor = s.minorHeadingGid === null ? null : titles.get(s.minorHeadingGid);
      if (!out.has(s.gid)) out.set(s.gid, joinHeading(major, minor));
    }
  }
  return out;
}
