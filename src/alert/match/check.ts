/** The exact check of one candidate (subscription, speech). */
import { matches } from '../query/evaluate.js';
import type { QueryNode } from '../query/tsquery.js';
import type { LexemePositions } from '../query/tsvector.js';
import { hasBit, type LexemeBits } from './bitsets.js';
import type { CompiledSubscription, SpeechDoc } from './types.js';

/**
 * The matcher's check of one candidate: false, or the first matching paragraph's index
 * (null when there is no query). Same answers as `evaluate`, lexemes tested on bitsets.
 */
export function evaluateBits(
  sub: CompiledSubscription,
  speech: SpeechDoc,
  bits: LexemeBits,
  row: number,
): number | null | false {
  if (!passesFilters(sub, speech)) return false;
  if (!sub.query) return null;
  if (!couldMatch(sub.query, bits.speeches, bits.words, row)) return false;
  const first = bits.firstParagraph[row]!;
  for (let p = 0; p < speech.paragraphs.length; p++)
    if (holds(sub.query, bits, first + p, speech.paragraphs[p]!.lexemes)) return p;
  return false;
}

/**
 * A cheap necessary condition on a row (a speech, or a paragraph): every lexeme an AND or
 * phrase needs is there (negations are assumed satisfiable). Most candidates that fail —
 * the second word of a pair absent — are turned away by it without looking at paragraphs
 * or positions.
 */
function couldMatch(node: QueryNode, rows: Uint32Array, words: number, row: number): boolean {
  switch (node.op) {
    case 'lex':
      return hasBit(rows, words, row, node.id);
    case 'not':
      return true;
    case 'or':
      return couldMatch(node.left, rows, words, row) || couldMatch(node.right, rows, words, row);
    case 'and':
    case 'phrase':
      return couldMatch(node.left, rows, words, row) && couldMatch(node.right, rows, words, row);
  }
}

/** `matches` (query/evaluate.ts) for one paragraph, reading its bitset; phrases go to the positions. */
function holds(node: QueryNode, bits: LexemeBits, row: number, lexemes: LexemePositions): boolean {
  switch (node.op) {
    case 'lex':
      return hasBit(bits.paragraphs, bits.words, row, node.id);
    case 'not':
      return !holds(node.arg, bits, row, lexemes);
    case 'and':
      return holds(node.left, bits, row, lexemes) && holds(node.right, bits, row, lexemes);
    case 'or':
      return holds(node.left, bits, row, lexemes) || holds(node.right, bits, row, lexemes);
    case 'phrase':
      return couldMatch(node, bits.paragraphs, bits.words, row) && matches(node, lexemes);
  }
}

/** The reference check (no index, no bitsets): filters, then each paragraph in order. */
export function evaluate(sub: CompiledSubscription, speech: SpeechDoc): number | null | false {
  if (!passesFilters(sub, speech)) return false;
  if (!sub.query) return null;
  for (let p = 0; p < speech.paragraphs.length; p++)
    if (matches(sub.query, speech.paragraphs[p]!.lexemes)) return p;
  return false;
}

function passesFilters(sub: CompiledSubscription, speech: SpeechDoc): boolean {
  if (sub.personIds.length + sub.houses.length + sub.types.length + sub.tags.length === 0) return true;
  if (sub.personIds.length > 0 && (speech.personId === null || !sub.personIds.includes(speech.personId)))
    return false;
  if (sub.houses.length > 0 && (speech.house === null || !sub.houses.includes(speech.house))) return false;
  if (sub.types.length > 0 && !sub.types.includes(speech.type)) return false;
  if (sub.tags.length > 0 && !sub.tags.some((t) => (speech.tags.get(t) ?? -1) >= sub.minConfidence))
    return false;
  return true;
}
