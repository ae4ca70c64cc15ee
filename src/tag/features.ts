/**
 * Feature space for the classifiers: a sorted vocabulary of stemmed unigrams and bigrams
 * with IDF weights, plus keyword features from the taxonomy rules: per tag, the strongest
 * pattern weight that matched (`outsourcing`), and per pattern, whether it matched
 * (`outsourcing/competitive-tender`), so a classifier learns how far to trust each rule.
 */
import { isBigram, isUnigram, type Term, type Word } from './text.js';
import type { KeywordMatch } from './types.js';

/** Serialisable part of the space, stored in the model file. */
export interface FeatureSpace {
  terms: string[];
  idf: number[];
  /** Rule features (`<tag>`, `<tag>/<patternId>`, `concept:…`); indices follow the terms. */
  keywordFeatures: string[];
}

export interface SparseVector {
  idx: number[];
  val: number[];
}

/**
 * Lookup structures rebuilt from a FeatureSpace inside each thread. Bigrams are looked up
 * stem by stem in a nested map, so scoring never builds a string per word pair.
 */
export interface CompiledSpace {
  unigrams: Map<string, number>;
  bigrams: Map<string, Map<string, number>>;
  idf: Float64Array;
  keywordOffset: number;
  dim: number;
}

export function compileSpace(space: FeatureSpace): CompiledSpace {
  const unigrams = new Map<string, number>();
  const bigrams = new Map<string, Map<string, number>>();
  space.terms.forEach((t, i) => {
    const gap = t.indexOf(' ');
    if (gap < 0) unigrams.set(t, i);
    else {
      const first = t.slice(0, gap);
      const seconds = bigrams.get(first) ?? new Map<string, number>();
      seconds.set(t.slice(gap + 1), i);
      bigrams.set(first, seconds);
    }
  });
  return {
    unigrams,
    bigrams,
    idf: Float64Array.from(space.idf),
    keywordOffset: space.terms.length,
    dim: space.terms.length + space.keywordFeatures.length,
  };
}

/**
 * Vocabulary from training documents: terms in at least `minDf` documents, sorted so the
 * same data always gives the same feature order (training is deterministic).
 */
export function buildSpace(
  docs: readonly (readonly Term[])[],
  keywordFeatures: string[],
  minDf: number,
  stopBigrams = true,
): FeatureSpace {
  const df = new Map<string, number>();
  for (const doc of docs) {
    const keys = stopBigrams ? doc.map((t) => t.key) : doc.filter((t) => !t.stop).map((t) => t.key);
    for (const key of new Set(keys)) df.set(key, (df.get(key) ?? 0) + 1);
  }
  const terms = [...df.entries()]
    .filter(([, n]) => n >= minDf)
    .map(([k]) => k)
    .sort();
  const n = docs.length;
  const idf = terms.map((t) => round(Math.log((n + 1) / ((df.get(t) ?? 0) + 1)) + 1, 5));
  return { terms, idf, keywordFeatures };
}

/** What the rules found in one paragraph: pattern matches and the concept lexicons present. */
export interface RuleHits {
  matches: readonly KeywordMatch[];
  /** Sorted concept names. */
  concepts: readonly string[];
}

/** Binary rule features of one paragraph: `tag/pattern`, `concept:x` and `concept:x+y` (concepts co-occurring). */
function binaryRuleFeatures(hits: RuleHits): Set<string> {
  const out = new Set(hits.matches.map((m) => `${m.tag}/${m.patternId}`));
  hits.concepts.forEach((a, i) => {
    out.add(`concept:${a}`);
    for (const b of hits.concepts.slice(i + 1)) out.add(`concept:${a}+${b}`);
  });
  return out;
}

/** Rule feature names: every tag's strength, then binary features seen in at least `minDf` documents, sorted. */
export function ruleFeatureNames(
  tags: readonly string[],
  hitsPerDoc: readonly RuleHits[],
  minDf: number,
): string[] {
  const df = new Map<string, number>();
  for (const hits of hitsPerDoc)
    for (const name of binaryRuleFeatures(hits)) df.set(name, (df.get(name) ?? 0) + 1);
  const binary = [...df.entries()].filter(([, n]) => n >= minDf).map(([k]) => k);
  return [...tags, ...binary.sort()];
}

/** Values of the rule features for one paragraph: a tag's strongest pattern weight, else 0/1. */
export function ruleValues(names: readonly string[], hits: RuleHits): number[] {
  const strongest = new Map<string, number>();
  for (const m of hits.matches) strongest.set(m.tag, Math.max(strongest.get(m.tag) ?? 0, m.weight));
  const binary = binaryRuleFeatures(hits);
  return names.map((n) =>
    n.includes('/') || n.startsWith('concept:') ? (binary.has(n) ? 1 : 0) : (strongest.get(n) ?? 0),
  );
}

/** Term counts by feature index, reused between calls (scoring is single-threaded per worker). */
let counts = new Int32Array(0);

function countTerm(i: number, seen: number[]): void {
  if (counts[i] === 0) seen.push(i);
  counts[i]! += 1;
}

/** Sublinear TF-IDF over the words' unigrams and bigrams, L2-normalised, then the rule feature values. */
export function vectorize(space: CompiledSpace, ws: readonly Word[], rules: readonly number[]): SparseVector {
  if (counts.length < space.dim) counts = new Int32Array(space.dim);
  // Hot loop (every paragraph of every debate): plain loops, no closures.
  const idx: number[] = [];
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k]!;
    const next = ws[k + 1];
    const uni = isUnigram(w) ? space.unigrams.get(w.stem) : undefined;
    const bi =
      next !== undefined && isBigram(w, next) ? space.bigrams.get(w.stem)?.get(next.stem) : undefined;
    if (uni !== undefined) countTerm(uni, idx);
    if (bi !== undefined) countTerm(bi, idx);
  }
  const val: number[] = new Array<number>(idx.length);
  let norm = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const v = (1 + Math.log(counts[i]!)) * space.idf[i]!;
    counts[i] = 0;
    val[k] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let k = 0; k < val.length; k++) val[k]! *= scale;
  for (let k = 0; k < rules.length; k++) {
    const v = rules[k]!;
    if (v > 0) {
      idx.push(space.keywordOffset + k);
      val.push(v);
    }
  }
  return { idx, val };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
