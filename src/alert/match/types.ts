/** What the matcher works on: subscriptions as criteria, speeches as lexemes with positions. */
import type { QueryNode } from '../query/tsquery.js';
import type { LexemePositions } from '../query/tsvector.js';

/** A subscription's criteria; every given criterion must hold (AND), lists are any-of. */
export interface Criteria {
  /** Normalised tsquery text (websearch_to_tsquery output), or null for no keyword condition. */
  query: string | null;
  tags: readonly string[];
  minConfidence: number;
  personIds: readonly string[];
  houses: readonly string[];
  types: readonly string[];
}

export interface CompiledSubscription {
  /** Position in the matcher's list: postings and per-speech bookkeeping use it. */
  ordinal: number;
  id: string;
  query: QueryNode | null;
  tags: readonly string[];
  minConfidence: number;
  personIds: readonly string[];
  houses: readonly string[];
  types: readonly string[];
}

export interface SpeechParagraph {
  seq: number;
  lexemes: LexemePositions;
}

/** A speech as the matcher sees it; `lexemeParagraphs` is built by `speechDoc`. */
export interface SpeechDoc {
  gid: string;
  personId: string | null;
  house: string | null;
  type: string;
  /** Tag → the speech's confidence for it. */
  tags: ReadonlyMap<string, number>;
  paragraphs: readonly SpeechParagraph[];
  /** Lexeme → indexes (into `paragraphs`, ascending) of the paragraphs holding it. */
  lexemeParagraphs: ReadonlyMap<string, readonly number[]>;
}

export interface Match {
  subscription: CompiledSubscription;
  speech: SpeechDoc;
  /** Index into `speech.paragraphs` of the first paragraph matching the keywords; null without keywords. */
  paragraph: number | null;
}
