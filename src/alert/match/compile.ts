/** Subscriptions and speeches into the shapes the matcher indexes. */
import { parseTsQuery, type QueryNode } from '../query/tsquery.js';
import type { LexemePositions } from '../query/tsvector.js';
import type { CompiledSubscription, Criteria, SpeechDoc, SpeechParagraph } from './types.js';

/**
 * `parsed` shares one tree between subscriptions with the same query (thousands follow
 * "NHS"): compiling is cheaper, and so is binding lexeme bits per batch.
 */
export function compileSubscription(
  id: string,
  criteria: Criteria,
  ordinal: number,
  parsed?: Map<string, QueryNode | null>,
): CompiledSubscription {
  let query: QueryNode | null = null;
  if (criteria.query) {
    query = parsed?.get(criteria.query) ?? parseTsQuery(criteria.query);
    parsed?.set(criteria.query, query);
  }
  return {
    ordinal,
    id,
    query,
    tags: criteria.tags,
    minConfidence: criteria.minConfidence,
    personIds: criteria.personIds,
    houses: criteria.houses,
    types: criteria.types,
  };
}

export interface SpeechInput {
  gid: string;
  personId: string | null;
  house: string | null;
  type: string;
  tags: ReadonlyMap<string, number>;
  paragraphs: { seq: number; lexemes: LexemePositions }[];
}

/** Adds the lexeme → paragraphs map that candidate generation and paragraph pruning use. */
export function speechDoc(input: SpeechInput): SpeechDoc {
  const paragraphs: SpeechParagraph[] = [...input.paragraphs].sort((a, b) => a.seq - b.seq);
  const lexemeParagraphs = new Map<string, number[]>();
  paragraphs.forEach((p, i) => {
    for (const lexeme of p.lexemes.keys()) {
      const list = lexemeParagraphs.get(lexeme);
      if (list) list.push(i);
      else lexemeParagraphs.set(lexeme, [i]);
    }
  });
  return { ...input, paragraphs, lexemeParagraphs };
}
