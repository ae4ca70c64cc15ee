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
 * Up to `limit` vocabulary terms with the largest positive contribution to tag k's score,
 * located in the text (spans are worked out only here, for tags actually given).
 */
export function classifierEvidence(
  c: Classifiers,
  k: number,
  x: SparseVector,
  text: string,
  limit = 5,
): EvidenceTerm[] {
  const w = c.weights[k]!;
  const contributions: { j: number; v: number }[] = [];
  for (let n = 0; n < x.idx.length; n++) {
    const j = x.idx[n]!;
    if (j >= c.space.keywordOffset) continue; // keyword features are reported as keyword evidence
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
