/**
 * Building WHERE clauses from filters without ever putting a value into SQL text: every
 * value becomes a numbered parameter. Column and table names are fixed strings here.
 */
import type { SpeechFilters } from './filters.js';

/** Collects parameters and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];

  /** The placeholder (`$3`) for a new parameter. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The English full-text query for `q`: quotes for phrases, OR, and - for negation. */
export function tsQuery(params: Params, q: string): string {
  return `websearch_to_tsquery('english', ${params.add(q)})`;
}

/**
 * The same query for translations (the Senedd's Welsh, migration 027): Postgres has no
 * Welsh stemmer, so their text is indexed and searched with 'simple' (words as written).
 */
export function translationTsQuery(params: Params, q: string): string {
  return `websearch_to_tsquery('simple', ${params.add(q)})`;
}

/**
 * Conditions on `speeches` (aliased `alias`) for every filter except `q` (whose placement
 * depends on whether speeches or paragraphs are listed). Tag conditions use speech_tags.
 */
export function speechConditions(
  f: SpeechFilters,
  params: Params,
  alias = 's',
  opts: { speechTags?: boolean } = {},
): string[] {
  const where: string[] = [];
  if (f.personId) where.push(`${alias}.person_id = ${params.add(f.personId)}`);
  if (f.party) where.push(`lower(${alias}.party) = lower(${params.add(f.party)})`);
  if (f.houses?.length) where.push(`${alias}.house = ANY(${params.add(f.houses)}::text[])`);
  if (f.types?.length) where.push(`${alias}.type = ANY(${params.add(f.types)}::text[])`);
  if (f.from) where.push(`${alias}.sitting_date >= ${params.add(f.from)}::date`);
  if (f.to) where.push(`${alias}.sitting_date <= ${params.add(f.to)}::date`);
  // Paragraph listings (the export's paragraph mode) test tags on the paragraph instead.
  const tagCondition = opts.speechTags === false ? null : speechTagCondition(f, params, alias);
  if (tagCondition) where.push(tagCondition);
  return where;
}

/** The speech carries one of the wanted tags (or any tag, for `tagged`) at the minimum confidence. */
function speechTagCondition(f: SpeechFilters, params: Params, alias: string): string | null {
  if (!f.tags?.length && !f.tagged) return null;
  const tagClause = f.tags?.length ? ` AND t.tag = ANY(${params.add(f.tags)}::text[])` : '';
  return `EXISTS (SELECT 1 FROM speech_tags t WHERE t.speech_gid = ${alias}.gid${tagClause} AND t.confidence >= ${params.add(f.minConfidence)}::real)`;
}

export function whereClause(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** The paragraph (aliased `alias`) carries one of the wanted tags, or any tag for `tagged`. */
export function paragraphTagCondition(f: SpeechFilters, params: Params, alias = 'p'): string | null {
  if (!f.tags?.length && !f.tagged) return null;
  const tagClause = f.tags?.length ? ` AND t.tag = ANY(${params.add(f.tags)}::text[])` : '';
  return `EXISTS (SELECT 1 FROM paragraph_tags t WHERE t.speech_gid = ${alias}.speech_gid AND t.seq = ${alias}.seq${tagClause} AND t.confidence >= ${params.add(f.minConfidence)}::real)`;
}
