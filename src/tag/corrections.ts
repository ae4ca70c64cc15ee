/**
 * Editors' corrections applied to the tagger's output: a `remove` drops the tag from the
 * paragraph whatever the tagger said, an `add` gives it (method `editor`, confidence 1).
 * A correction names its paragraph by speech gid and the sha1 of the paragraph's text, so it
 * holds across re-ingest and re-tagging and lapses when the text changes. Pure: the store
 * side is in correction-repository.ts.
 */
import { sha1 } from './data.js';
import { aggregateSpeech } from './speech.js';
import type { ParagraphTag, SpeechTagging } from './types.js';

/** A speech's gid without the version letter of its day's file: a revised file keeps the key. */
export function speechKey(gid: string): string {
  return gid.replace(/(\d{4}-\d{2}-\d{2})[a-z]\./, '$1.');
}

export type CorrectionAction = 'add' | 'remove';

export interface Correction {
  speechGid: string;
  textSha1: string;
  tag: string;
  action: CorrectionAction;
}

/** Paragraph texts by seq, to find which paragraph a correction means. */
export type ParagraphTexts = ReadonlyMap<number, string>;

const editorTag = (tag: string): ParagraphTag => ({
  tag,
  confidence: 1,
  method: 'editor',
  keywordConfidence: null,
  classifierConfidence: null,
  evidence: [],
});

/** The speech's tagging with its corrections applied; speech tags are aggregated again. */
export function applyCorrections(
  tagging: SpeechTagging,
  texts: ParagraphTexts,
  corrections: readonly Correction[],
): SpeechTagging {
  if (corrections.length === 0) return tagging;
  const paragraphs = tagging.paragraphs.map((p) => {
    const hash = sha1(texts.get(p.seq) ?? '');
    const mine = corrections.filter((c) => c.textSha1 === hash);
    if (mine.length === 0) return p;
    const removed = new Set(mine.filter((c) => c.action === 'remove').map((c) => c.tag));
    const added = mine.filter((c) => c.action === 'add').map((c) => c.tag);
    const kept = p.tags.filter((t) => !removed.has(t.tag) && !added.includes(t.tag));
    return { ...p, tags: [...kept, ...added.map(editorTag)] };
  });
  return { paragraphs, speech: aggregateSpeech(paragraphs) };
}

/** `+privatisation` / `-outsourcing` → action and tag; null when the form is wrong. */
export function parseCorrectionArg(arg: string): { action: CorrectionAction; tag: string } | null {
  const m = /^([+-])([a-z][a-z0-9_-]*)$/.exec(arg);
  return m === null ? null : { action: m[1] === '+' ? 'add' : 'remove', tag: m[2]! };
}
