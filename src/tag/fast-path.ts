/**
 * The tagger's fast path: a cheap test that a paragraph cannot be tagged, so the classifier
 * (concept lexicons, feature vector, one dot product per tag, the gate) is not run for it.
 *
 * Why it is exact. A tag is given to a paragraph only in one of these ways (tagger.ts):
 * - a pattern of the tag matched, which needs the tag's prefilter to match the paragraph's
 *   own text (keyword.ts `matchTag`; neighbouring text only satisfies a pattern's context);
 * - no pattern matched, the tag has a classifier and it holds a topical term of the tag with
 *   a positive contribution (the model-v6 gate, classifier.ts `hasTopicalTerm`): a term
 *   listed in the model's `topical` mask for the tag whose contribution, weight × TF-IDF
 *   value, can be > 0 (the value has the sign of the term's IDF: its TF factor and the
 *   normalisation are positive).
 * So a paragraph that no prefilter matches, and whose classifier words (its own, then any
 * context the model reads, such as the debate heading's `h:` words: the same words the
 * vector is built from) hold none of those terms, found by the vectorizer's own word-to-term
 * lookup (features.ts `vectorize`), gets no tag: the full tagger would return [] for it too. Everything here is derived from the
 * taxonomy and the model, never a word list, so it follows a retrained model.
 *
 * When the proof does not hold, there is no fast path (null) and every paragraph is
 * analysed in full: a tag with a classifier but no topical list (models before v6, where
 * every term counts), a keyword threshold ≤ 0 (a tag given without any match), or a model
 * file with fields this proof does not know (a new kind of input must be looked at before
 * the proof is trusted with it; until then the tagger stays exact).
 */
import type { Classifiers } from './classifier.js';
import type { CompiledSpace } from './features.js';
import type { KeywordRules } from './keyword.js';
import type { TagModel } from './model.js';
import { isBigram, isUnigram, type Word } from './text.js';

export interface FastPath {
  /** False only when the full tagger provably gives `text` no tag; `ws`: the words its classifier reads. */
  mayTag(text: string, ws: readonly Word[]): boolean;
}

/** The model fields the proof above accounts for; any other field turns the fast path off. */
const KNOWN_MODEL_FIELDS = new Set([
  'format',
  'id',
  'training',
  'features',
  'classifiers',
  'textClassifiers',
  'topical',
]);
const KNOWN_FEATURE_FIELDS = new Set(['terms', 'idf', 'keywordFeatures']);

/** Null when no fast path can be proved exact for this taxonomy and model (see above). */
export function compileFastPath(
  rules: KeywordRules,
  model: TagModel | null,
  classifiers: Classifiers | null,
): FastPath | null {
  if (rules.tags.some((t) => !(t.keywordThreshold > 0))) return null;
  if (model !== null && !knownShape(model)) return null;
  const mask = classifiers === null ? null : topicalCandidates(rules, classifiers);
  if (mask === undefined) return null;
  const terms = mask === null || classifiers === null ? null : candidateTerms(classifiers.space, mask);
  const prefilters = joinPrefilters(rules.tags.flatMap((t) => t.prefilter));
  return {
    mayTag: (text, ws) =>
      (terms !== null && holdsCandidate(terms, ws)) || prefilters.some((re) => re.test(text)),
  };
}

/**
 * All tags' prefilters as one alternation per flag set: `(?:a)|(?:b)` matches a text exactly
 * when `a` or `b` does, and one scan of the paragraph costs less than one per tag. A pattern
 * with back-references or named groups (which joining would renumber or clash) stays apart.
 */
function joinPrefilters(res: readonly RegExp[]): RegExp[] {
  const apart = res.filter((re) => /\\[1-9]|\\k<|\(\?<[a-zA-Z]/.test(re.source) || re.global || re.sticky);
  const byFlags = new Map<string, string[]>();
  for (const re of res)
    if (!apart.includes(re)) byFlags.set(re.flags, [...(byFlags.get(re.flags) ?? []), `(?:${re.source})`]);
  return [...apart, ...[...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags))];
}

function knownShape(model: TagModel): boolean {
  return (
    Object.keys(model).every((k) => KNOWN_MODEL_FIELDS.has(k)) &&
    Object.keys(model.features).every((k) => KNOWN_FEATURE_FIELDS.has(k))
  );
}

/**
 * A mask over the terms: 1 where some tag's classifier could pass the topical gate on that
 * term. Null when no tag has a classifier; undefined when a classified tag has no topical
 * list (every term would count, so nothing can be ruled out).
 */
function topicalCandidates(rules: KeywordRules, c: Classifiers): Uint8Array | null | undefined {
  const mask = new Uint8Array(c.terms.length);
  let classified = false;
  for (const { tag } of rules.tags) {
    const k = c.byTag.get(tag);
    if (k === undefined) continue; // decided by its rules alone
    const topical = c.topical.get(tag);
    if (topical === undefined) return undefined;
    classified = true;
    const w = c.weights[k]!;
    const idf = c.space.idf;
    for (let j = 0; j < mask.length; j++) if (topical[j] === 1 && w[j]! * idf[j]! > 0) mask[j] = 1;
  }
  return classified ? mask : null;
}

/** The candidate terms by stem: unigrams, and for bigrams the second stems after each first. */
interface CandidateTerms {
  unigrams: Set<string>;
  bigrams: Map<string, Set<string>>;
}

/** Candidate terms keyed as `vectorize` looks terms up, kept small so most lookups miss fast. */
function candidateTerms(space: CompiledSpace, mask: Uint8Array): CandidateTerms {
  const unigrams = new Set<string>();
  for (const [stem, j] of space.unigrams) if (mask[j] === 1) unigrams.add(stem);
  const bigrams = new Map<string, Set<string>>();
  for (const [first, seconds] of space.bigrams)
    for (const [second, j] of seconds)
      if (mask[j] === 1) bigrams.set(first, (bigrams.get(first) ?? new Set()).add(second));
  return { unigrams, bigrams };
}

/** Whether the words hold a candidate unigram or bigram, found as `vectorize` finds terms. */
function holdsCandidate(c: CandidateTerms, ws: readonly Word[]): boolean {
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k]!;
    if (isUnigram(w) && c.unigrams.has(w.stem)) return true;
    const next = ws[k + 1];
    if (next !== undefined && isBigram(w, next) && c.bigrams.get(w.stem)?.has(next.stem) === true)
      return true;
  }
  return false;
}
