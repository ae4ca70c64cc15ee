/**
 * The tagger: keyword rules plus per-tag classifiers, combined into one decision per tag
 * per paragraph, and paragraph tags aggregated per speech. Built from plain data (the
 * validated taxonomy and model JSON), so a worker thread can receive both by
 * structured clone and call createTagger itself.
 */
import {
  classifierEvidence,
  compileClassifiers,
  hasTopicalTerm,
  paragraphVector,
  probability,
  textProbability,
  type Classifiers,
} from './classifier.js';
import { compileFastPath } from './fast-path.js';
import type { SparseVector } from './features.js';
import { combine, keywordDecision, type Decision } from './fusion.js';
import {
  compileKeywordRules,
  conceptsPresent,
  matchTag,
  strongestWeight,
  unsupportedVetoed,
  type CompiledTagRules,
  type MatchOptions,
} from './keyword.js';
import type { TagModel } from './model.js';
import { taxonomyHash, type Taxonomy } from './taxonomy.js';
import { words, type Word } from './text.js';
import { NEIGHBOUR_PREFIX, contextWords, headingWords } from './heading.js';
import type {
  EvidenceTerm,
  KeywordMatch,
  ParagraphTag,
  SpeechParagraphInput,
  SpeechTag,
  SpeechTagging,
  TagScore,
} from './types.js';
import { aggregateSpeech } from './speech.js';

/** What the tagger may read beside a paragraph: acronym context, and the debate heading. */
export interface ParagraphContext extends MatchOptions {
  /** The speech's debate heading (major — minor); classifier context only, never evidence. */
  heading?: string;
}

/** Context of a whole speech. */
export interface SpeechContext {
  heading?: string;
}

export interface TaggerInput {
  taxonomy: Taxonomy;
  /** Null runs the rules alone (no model trained yet). */
  model: TagModel | null;
  /**
   * Log-odds added for a tag the debate heading names (a rule of the tag matches it, or it holds
   * one of the tag's topical terms), for paragraphs no strong rule supports; the model-v6 gate
   * still asks for the paragraph's own rule or topical term. Experimental (`cv-real
   * --heading-prior`; grouped CV: it only added false tags); 0, the default: none.
   */
  headingPrior?: number;
  /** false: analyse every paragraph in full, without the fast path (to compare both ways). */
  fastPath?: boolean;
}

export interface Tagger {
  /** Identifies model and rules, stored with every tag so a rules or model change can be re-tagged. */
  readonly modelVersion: string;
  readonly tags: readonly string[];
  /** Keyword, classifier and combined scores for every tag, positive or not. */
  scoreParagraph(text: string, opts?: ParagraphContext): TagScore[];
  /** Tags given to one paragraph (combined decision), with evidence. */
  tagParagraph(text: string, opts?: ParagraphContext): ParagraphTag[];
  /** Paragraph tags (neighbouring paragraphs supply acronym context) and speech-level tags. */
  tagSpeech(paragraphs: readonly SpeechParagraphInput[], context?: SpeechContext): SpeechTagging;
}

interface Analysis {
  scores: TagScore[];
  vector: SparseVector | null;
}

export function createTagger({ taxonomy, model, headingPrior = 0, fastPath = true }: TaggerInput): Tagger {
  const rules = compileKeywordRules(taxonomy);
  const classifiers = model === null ? null : compileClassifiers(model);
  const fast = fastPath ? compileFastPath(rules, model, classifiers) : null;
  // Neighbour words are read only by a model trained on them: tokenising them costs time.
  const neighbourFeatures = (model?.training.options['neighbourFeatures'] ?? 0) !== 0;
  const modelVersion = `${model?.id ?? 'rules-only'}/taxonomy-${taxonomyHash(taxonomy)}`;

  /** Whether the heading names the tag: a rule of the tag matches it, or it holds one of the tag's topical terms. */
  function headingNames(t: CompiledTagRules, heading: string): boolean {
    if (matchTag(t, heading).length > 0) return true;
    const k = classifiers?.byTag.get(t.tag);
    const mask = classifiers?.topical.get(t.tag);
    if (classifiers === null || k === undefined || mask === undefined) return false;
    const x = paragraphVector(classifiers, words(heading), { matches: [], concepts: [] });
    const w = classifiers.weights[k]!;
    return x.idx.some((j) => j < mask.length && mask[j] === 1 && w[j]! > 0);
  }

  /** The words the classifier reads: the paragraph's, then any context the model was trained on. */
  const classifierWords = (text: string, opts: ParagraphContext): readonly Word[] =>
    withContext(words(text), opts, neighbourFeatures);

  function analyse(
    text: string,
    opts: ParagraphContext,
    ws: readonly Word[] = classifierWords(text, opts),
  ): Analysis {
    const matches = rules.tags.map((t) => matchTag(t, text, opts));
    const strengths = matches.map(strongestWeight);
    const vector =
      classifiers === null
        ? null
        : paragraphVector(classifiers, ws, {
            matches: matches.flat(),
            concepts: conceptsPresent(rules, text),
          });
    const scores = rules.tags.map((t, i) => {
      const strength = strengths[i] ?? 0;
      const k = classifiers?.byTag.get(t.tag);
      const p =
        classifiers !== null && vector !== null && k !== undefined
          ? probability(classifiers, k, vector)
          : null;
      const kt = strength > 0 ? undefined : classifiers?.textByTag.get(t.tag);
      const q =
        classifiers !== null && vector !== null && kt !== undefined
          ? textProbability(classifiers, kt, vector)
          : null;
      const shift =
        headingPrior !== 0 && opts.heading && strength < t.keywordThreshold && headingNames(t, opts.heading)
          ? headingPrior
          : 0;
      return {
        tag: t.tag,
        keyword: {
          positive: keywordDecision(strength, t).positive,
          confidence: strength,
          matches: matches[i]!,
        },
        classifier:
          p === null
            ? null
            : { positive: p >= 0.5, probability: p, ...(q === null ? {} : { textProbability: q }) },
        combined: gate(combine(strength, p, t, q, shift), strength, t, text, k, vector),
      };
    });
    return { scores, vector };
  }

  /**
   * No tag without topical evidence: a tag no strong pattern supports is withheld where the
   * tag's `unsupportedVeto` context occurs (own-use procurement for outsourcing), and a tag no
   * pattern at all supports needs a topical term (model-v6 on).
   */
  function gate(
    d: Decision,
    strength: number,
    t: CompiledTagRules,
    text: string,
    k: number | undefined,
    x: SparseVector | null,
  ): Decision {
    if (!d.positive || strength >= t.keywordThreshold) return d;
    if (unsupportedVetoed(t, text)) return { ...d, positive: false };
    if (strength > 0 || classifiers === null || k === undefined || x === null) return d;
    return hasTopicalTerm(classifiers, t.tag, k, x) ? d : { ...d, positive: false };
  }

  function tagParagraph(text: string, opts: ParagraphContext = {}): ParagraphTag[] {
    // A rules-only tagger never needs the words (they feed the classifier and its gate).
    const ws = classifiers === null ? [] : classifierWords(text, opts);
    // Most paragraphs provably get no tag (fast-path.ts): skip the classifier for them.
    if (fast !== null && !fast.mayTag(text, ws)) return [];
    const a = analyse(text, opts, ws);
    return a.scores.filter((s) => s.combined.positive).map((s) => toParagraphTag(s, a, classifiers, text));
  }

  return {
    modelVersion,
    tags: rules.tags.map((t) => t.tag),
    scoreParagraph: (text, opts = {}) => analyse(text, opts).scores,
    tagParagraph,
    tagSpeech: (paragraphs, context = {}) => tagSpeech(paragraphs, tagParagraph, context),
  };
}

function toParagraphTag(s: TagScore, a: Analysis, c: Classifiers | null, text: string): ParagraphTag {
  const k = c?.byTag.get(s.tag);
  const fromModel = c !== null && k !== undefined && a.vector !== null && s.combined.method !== 'keyword';
  const fromRules = s.keyword.matches.map(keywordEvidence);
  // A word the rules already cite is not repeated as classifier evidence.
  const fromClassifier = (fromModel ? classifierEvidence(c, s.tag, k, a.vector!, text) : []).filter(
    (e) => !fromRules.some((r) => r.start < e.end && e.start < r.end),
  );
  const evidence: EvidenceTerm[] = [...fromRules, ...fromClassifier];
  return {
    tag: s.tag,
    confidence: round3(s.combined.confidence),
    method: s.combined.method,
    keywordConfidence: s.keyword.matches.length > 0 ? s.keyword.confidence : null,
    classifierConfidence: s.classifier === null ? null : round3(s.classifier.probability),
    evidence,
  };
}

function keywordEvidence(m: KeywordMatch): EvidenceTerm {
  return { term: m.term, start: m.start, end: m.end, source: 'keyword', ref: m.patternId, weight: m.weight };
}

/** Heading words are looked up once per heading, not per paragraph (a speech shares one). */
let lastHeading: { heading: string; words: Word[] } | null = null;

function withContext(ws: Word[], opts: ParagraphContext, neighbours: boolean): Word[] {
  const heading = opts.heading;
  if (heading && lastHeading?.heading !== heading) lastHeading = { heading, words: headingWords(heading) };
  const h = heading ? lastHeading!.words : [];
  const n = neighbours ? contextWords(opts.neighbourText, NEIGHBOUR_PREFIX) : [];
  return h.length === 0 && n.length === 0 ? ws : [...ws, ...h, ...n];
}

function tagSpeech(
  paragraphs: readonly SpeechParagraphInput[],
  tagParagraph: (text: string, opts: ParagraphContext) => ParagraphTag[],
  context: SpeechContext,
): SpeechTagging {
  const ordered = [...paragraphs].sort((a, b) => a.seq - b.seq);
  const tagged = ordered.map((p, i) => {
    const neighbourText = [ordered[i - 1]?.text, ordered[i + 1]?.text]
      .filter((t) => t !== undefined)
      .join('\n');
    const opts = context.heading ? { neighbourText, heading: context.heading } : { neighbourText };
    return { pid: p.pid, seq: p.seq, tags: tagParagraph(p.text, opts) };
  });
  const speech: SpeechTag[] = aggregateSpeech(tagged);
  return { paragraphs: tagged, speech };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
