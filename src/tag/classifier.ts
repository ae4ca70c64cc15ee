/**
 * Inference side of the per-tag classifiers: one sparse vector per paragraph, one dot
 * product per tag, and on request the terms that pushed a tag's score up (evidence).
 */
import {
  compileSpace,
  ruleValues,
  vectorize,
  type CompiledSpace,
  type RuleHits,
  type SparseVector,
} from './features.js';
import { dot, sigmoid } from './logreg.js';
import type { TagModel } from './model.js';
import { terms, type Word } from './text.js';
import type { EvidenceTerm } from './types.js';

export interface Classifiers {
  space: CompiledSpace;
  terms: readonly string[];
  keywordFeatures: readonly string[];
  /** Index into weights/biases by tag id. */
  byTag: Map<string, number>;
  weights: Float64Array[];
  biases: number[];
  /** Text-only classifiers (weights over the terms alone), by tag id; empty for older models. */
  textByTag: Map<string, number>;
  textWeights: Float64Array[];
  textBiases: number[];
  /** Per tag id, a mask over the terms: 1 where the term is topical; absent when the model has no such list. */
  topical: Map<string, Uint8Array>;
  /** Least contribution (log-odds) of the topical term a tag no pattern supports needs. */
  topicalMinimum: number;
}

export function compileClassifiers(model: TagModel): Classifiers {
  return {
    space: compileSpace(model.features),
    terms: model.features.terms,
    keywordFeatures: model.features.keywordFeatures,
    byTag: new Map(model.classifiers.map((c, i) => [c.tag, i])),
    weights: model.classifiers.map((c) => Float64Array.from(c.weights)),
    biases: model.classifiers.map((c) => c.bias),
    textByTag: new Map((model.textClassifiers ?? []).map((c, i) => [c.tag, i])),
    textWeights: (model.textClassifiers ?? []).map((c) => Float64Array.from(c.weights)),
    textBiases: (model.textClassifiers ?? []).map((c) => c.bias),
    topical: new Map(
      (model.topical ?? []).map(({ tag, terms: idx }) => {
        const mask = new Uint8Array(model.features.terms.length);
        for (const j of idx) mask[j] = 1;
        return [tag, mask] as const;
      }),
    ),
    topicalMinimum: Math.max(MIN_CONTRIBUTION, model.training.options['topicalMinimum'] ?? 0),
  };
}

/** The paragraph's feature vector from its words and what the rules found in it. */
export function paragraphVector(c: Classifiers, ws: readonly Word[], hits: RuleHits): SparseVector {
  return vectorize(c.space, ws, ruleValues(c.keywordFeatures, hits));
}

export function probability(c: Classifiers, k: number, x: SparseVector): number {
  return sigmoid(dot(x, c.weights[k]!) + c.biases[k]!);
}

/** Text-only classifier k's probability; the rule features of x fall beyond its weights and count 0. */
export function textProbability(c: Classifiers, k: number, x: SparseVector): number {
  return sigmoid(dot(x, c.textWeights[k]!) + c.textBiases[k]!);
}

/** Contributions below this (in log-odds) are noise, not evidence worth showing a user. */
const MIN_CONTRIBUTION = 0.1;

/**
 * Whether the paragraph holds a topical term of tag k that adds at least `topicalMinimum` (never
 * less than MIN_CONTRIBUTION) to the main classifier's score, i.e. one that `classifierEvidence` would show: without one, a tag
 * that no pattern supports is not given (it must not rest on filler such as "the public" or
 * "are waiting", and must never be shown without evidence). True when the model lists no
 * topical terms.
 */
export function hasTopicalTerm(c: Classifiers, tag: string, k: number, x: SparseVector): boolean {
  const mask = c.topical.get(tag);
  if (mask === undefined) return true;
  const w = c.weights[k]!;
  for (let n = 0; n < x.idx.length; n++) {
    const j = x.idx[n]!;
    if (j < mask.length && mask[j] === 1 && w[j]! * x.val[n]! >= c.topicalMinimum) return true;
  }
  return false;
}

/**
 * Up to `limit` vocabulary terms with the largest positive contribution to tag k's score,
 * located in the text (spans are worked out only here, for tags actually given).
 */
export function classifierEvidence(
  c: Classifiers,
  tag: string,
  k: number,
  x: SparseVector,
  text: string,
  limit = 5,
): EvidenceTerm[] {
  const w = c.weights[k]!;
  const mask = c.topical.get(tag);
  const contributions: { j: number; v: number }[] = [];
  for (let n = 0; n < x.idx.length; n++) {
    const j = x.idx[n]!;
    if (j >= c.space.keywordOffset) continue; // keyword features are reported as keyword evidence
    if (mask !== undefined && mask[j] !== 1) continue; // filler is never shown as evidence
    const v = w[j]! * x.val[n]!;
    if (v >= MIN_CONTRIBUTION) contributions.push({ j, v });
  }
  contributions.sort((a, b) => b.v - a.v || a.j - b.j);
  const out: EvidenceTerm[] = [];
  const termList = contributions.length > 0 ? terms(text) : [];
  for (const { j, v } of contributions) {
    if (out.length >= limit) break;
    const key = c.terms[j]!;
    const at = termList.find((t) => t.key === key);
    // A unigram inside a bigram already shown ("Royal" in "Royal Mail") adds nothing.
    if (at === undefined || out.some((e) => e.start < at.end && at.start < e.end)) continue;
    out.push({
      term: text.slice(at.start, at.end),
      start: at.start,
      end: at.end,
      source: 'classifier',
      ref: key,
      weight: Math.round(v * 1000) / 1000,
    });
  }
  return out;
}
