/**
 * Binary logistic regression over sparse vectors, trained full-batch with Adam. Full-batch
 * needs no shuffling, so the result depends only on the data and the options: training
 * twice gives bit-identical weights. natural's own LogisticRegressionClassifier stores
 * per-document feature arrays and runs far slower at inference; this keeps inference to
 * one sparse dot product per tag.
 */
import type { SparseVector } from './features.js';

export interface LogRegOptions {
  iterations: number;
  learningRate: number;
  /** L2 penalty on weights (not the bias), per example. */
  l2: number;
  /** Loss weight of a positive example (class imbalance: most paragraphs are negative). */
  positiveWeight: number;
}

export interface LogRegModel {
  weights: Float64Array;
  bias: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function dot(x: SparseVector, weights: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.idx.length; k++) s += (weights[x.idx[k]!] ?? 0) * x.val[k]!;
  return s;
}

export function trainLogReg(
  xs: readonly SparseVector[],
  ys: readonly number[],
  dim: number,
  o: LogRegOptions,
): LogRegModel {
  const w = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const adam = { m: new Float64Array(dim + 1), v: new Float64Array(dim + 1) };
  let bias = 0;
  const total = ys.reduce((s, y) => s + (y === 1 ? o.positiveWeight : 1), 0);
  for (let it = 1; it <= o.iterations; it++) {
    grad.fill(0);
    let gBias = 0;
    xs.forEach((x, n) => {
      const y = ys[n] ?? 0;
      const weight = y === 1 ? o.positiveWeight : 1;
      const err = (weight * (sigmoid(dot(x, w) + bias) - y)) / total;
      for (let k = 0; k < x.idx.length; k++) grad[x.idx[k]!]! += err * x.val[k]!;
      gBias += err;
    });
    for (let j = 0; j < dim; j++) grad[j]! += o.l2 * w[j]!;
    adamStep(w, grad, adam, it, o.learningRate);
    bias -= adamBias(gBias, adam, dim, it, o.learningRate);
  }
  return { weights: w, bias };
}

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

function adamStep(
  w: Float64Array,
  g: Float64Array,
  s: { m: Float64Array; v: Float64Array },
  t: number,
  lr: number,
): void {
  const c1 = 1 - B1 ** t;
  const c2 = 1 - B2 ** t;
  for (let j = 0; j < w.length; j++) {
    const gj = g[j]!;
    if (gj === 0 && s.m[j] === 0) continue; // untouched feature with no weight: nothing to do
    s.m[j] = B1 * s.m[j]! + (1 - B1) * gj;
    s.v[j] = B2 * s.v[j]! + (1 - B2) * gj * gj;
    w[j]! -= (lr * (s.m[j]! / c1)) / (Math.sqrt(s.v[j]! / c2) + EPS);
  }
}

function adamBias(
  g: number,
  s: { m: Float64Array; v: Float64Array },
  j: number,
  t: number,
  lr: number,
): number {
  s.m[j] = B1 * s.m[j]! + (1 - B1) * g;
  s.v[j] = B2 * s.v[j]! + (1 - B2) * g * g;
  return (lr * (s.m[j]! / (1 - B1 ** t))) / (Math.sqrt(s.v[j]! / (1 - B2 ** t)) + EPS);
}
