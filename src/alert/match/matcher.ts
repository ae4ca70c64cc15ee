/**
 * Matches a batch of speeches against every subscription in one pass. Per chunk of the
 * batch: file the subscriptions (batch-index.ts), turn each speech's and paragraph's
 * lexemes into bitsets (bitsets.ts), then per speech take only the subscriptions filed
 * under the speech's own keys and check each exactly (check.ts). Subscriptions that are
 * one keyword and nothing else need no check at all: holding the lexeme is matching.
 */
import type { QueryNode } from '../query/tsquery.js';
import { buildBatchIndex, isBare } from './batch-index.js';
import { LexemeBits } from './bitsets.js';
import { evaluateBits } from './check.js';
import type { CompiledSubscription, Match, SpeechDoc } from './types.js';

export { buildBatchIndex, requiredKeys, type BatchIndex } from './batch-index.js';
export { evaluate } from './check.js';

/** Matches as parallel arrays (no object per match): subscription ordinal, speech index, paragraph index or -1. */
export interface MatchPairs {
  count: number;
  sub: Int32Array;
  speech: Int32Array;
  paragraph: Int32Array;
}

class PairBuffer implements MatchPairs {
  count = 0;
  sub = new Int32Array(1024);
  speech = new Int32Array(1024);
  paragraph = new Int32Array(1024);

  push(sub: number, speech: number, paragraph: number): void {
    if (this.count === this.sub.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.sub = grow(this.sub);
      this.speech = grow(this.speech);
      this.paragraph = grow(this.paragraph);
    }
    this.sub[this.count] = sub;
    this.speech[this.count] = speech;
    this.paragraph[this.count] = paragraph;
    this.count++;
  }
}

/** Bitset memory grows with paragraphs × vocabulary: big batches are matched in chunks. */
const MAX_CHUNK_PARAGRAPHS = 8000;

/** Every (subscription, speech) pair that matches, with the first matching paragraph. */
export function matchPairs(
  subs: readonly CompiledSubscription[],
  speeches: readonly SpeechDoc[],
): MatchPairs {
  const out = new PairBuffer();
  let start = 0;
  while (start < speeches.length) {
    let end = start;
    for (
      let paragraphs = 0;
      end < speeches.length &&
      (end === start || paragraphs + speeches[end]!.paragraphs.length <= MAX_CHUNK_PARAGRAPHS);
      end++
    )
      paragraphs += speeches[end]!.paragraphs.length;
    matchChunk(subs, speeches.slice(start, end), start, out);
    start = end;
  }
  return out;
}

/** Synchronous from binding to the last match: lexeme bits set on shared query nodes stay valid throughout. */
function matchChunk(
  subs: readonly CompiledSubscription[],
  speeches: readonly SpeechDoc[],
  offset: number,
  out: PairBuffer,
): void {
  const index = buildBatchIndex(subs, speeches);
  const bits = new LexemeBits(speeches);
  const bound = new Set<QueryNode>();
  for (const sub of subs)
    if (sub.query && !isBare(sub) && !bound.has(sub.query)) {
      bits.bind(sub.query);
      bound.add(sub.query);
    }
  const seen = new Int32Array(subs.length);
  const consider = (
    list: readonly number[] | undefined,
    speech: SpeechDoc,
    i: number,
    stamp: number,
  ): void => {
    if (!list) return;
    for (let k = 0; k < list.length; k++) {
      const ordinal = list[k]!;
      if (seen[ordinal] === stamp) continue;
      seen[ordinal] = stamp;
      const paragraph = evaluateBits(subs[ordinal]!, speech, bits, i);
      if (paragraph !== false) out.push(ordinal, offset + i, paragraph ?? -1);
    }
  };
  for (let i = 0; i < speeches.length; i++) {
    const speech = speeches[i]!;
    const stamp = i + 1;
    for (const [lexeme, paragraphs] of speech.lexemeParagraphs) {
      const bare = index.bare.get(lexeme);
      if (bare) for (let k = 0; k < bare.length; k++) out.push(bare[k]!, offset + i, paragraphs[0]!);
      consider(index.postings.lexemes.get(lexeme), speech, i, stamp);
    }
    const { postings } = index;
    for (const tag of speech.tags.keys()) consider(postings.tags.get(tag), speech, i, stamp);
    if (speech.personId) consider(postings.persons.get(speech.personId), speech, i, stamp);
    if (speech.house) consider(postings.houses.get(speech.house), speech, i, stamp);
    consider(postings.types.get(speech.type), speech, i, stamp);
    consider(index.scan, speech, i, stamp);
  }
}

/** Every (subscription, speech) pair that matches, as objects. */
export function matchBatch(subs: readonly CompiledSubscription[], speeches: readonly SpeechDoc[]): Match[] {
  const pairs = matchPairs(subs, speeches);
  const out: Match[] = new Array<Match>(pairs.count);
  for (let k = 0; k < pairs.count; k++) {
    const p = pairs.paragraph[k]!;
    out[k] = {
      subscription: subs[pairs.sub[k]!]!,
      speech: speeches[pairs.speech[k]!]!,
      paragraph: p < 0 ? null : p,
    };
  }
  return out;
}
