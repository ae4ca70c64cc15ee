/**
 * Output shapes of the tagger. Everything here is plain data (no classes, no RegExp) so
 * results can cross worker-thread boundaries and be stored as JSON unchanged.
 */

/**
 * How a decision was reached: rules alone (no model for the tag), the model alone (no rule
 * matched), or both; 'editor': added by an editor's correction (tag_corrections).
 */
export type TagMethod = 'keyword' | 'classifier' | 'combined' | 'editor';

/** One taxonomy pattern match. Offsets are UTF-16 indices into the paragraph text, end exclusive. */
export interface KeywordMatch {
  tag: string;
  patternId: string;
  /** The matched text, exactly as it appears in the paragraph. */
  term: string;
  start: number;
  end: number;
  /** The pattern's weight: how sure a match alone makes the tag (0–1). */
  weight: number;
}

/** A word or phrase that drove a decision, with where it sits in the paragraph. */
export interface EvidenceTerm {
  term: string;
  start: number;
  end: number;
  source: 'keyword' | 'classifier';
  /** Taxonomy pattern id for keyword evidence; the model feature (stemmed) for classifier evidence. */
  ref: string;
  /** Pattern weight, or the feature's contribution to the classifier's log-odds. */
  weight: number;
}

/**
 * The confidence at which a tag is given (ParagraphTag.confidence), so the confidence a
 * tag must reach to count wherever the caller does not say: search, tag counts, the MP
 * record summary, alerts.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** A tag given to one paragraph. */
export interface ParagraphTag {
  tag: string;
  /** Combined confidence that the tag applies, 0–1 (≥ DEFAULT_MIN_CONFIDENCE for a tag that is given). */
  confidence: number;
  method: TagMethod;
  /** Strongest pattern weight that matched, or null when no pattern matched. */
  keywordConfidence: number | null;
  /** Classifier probability, or null when the model has no classifier for the tag. */
  classifierConfidence: number | null;
  evidence: EvidenceTerm[];
}

/** Every tag's scores for one paragraph, positive or not (what evaluation needs). */
export interface TagScore {
  tag: string;
  keyword: { positive: boolean; confidence: number; matches: KeywordMatch[] };
  /** `textProbability`: the text-only classifier's, when it was consulted (no pattern matched). */
  classifier: { positive: boolean; probability: number; textProbability?: number } | null;
  combined: { positive: boolean; confidence: number; method: TagMethod };
}

export interface SpeechParagraphInput {
  /** Feed `pid`, or null where the feed has none (sp, ni, standing). */
  pid: string | null;
  /** Position within the speech, from 0: identifies paragraphs that have no pid. */
  seq: number;
  text: string;
}

export interface TaggedParagraph {
  pid: string | null;
  seq: number;
  tags: ParagraphTag[];
}

/** A speech-level tag: the strongest paragraph decides; every tagged paragraph is evidence. */
export interface SpeechTag {
  tag: string;
  confidence: number;
  method: TagMethod;
  /** Tagged paragraphs, strongest first. */
  paragraphs: { pid: string | null; seq: number; confidence: number; terms: string[] }[];
}

export interface SpeechTagging {
  paragraphs: TaggedParagraph[];
  speech: SpeechTag[];
}
