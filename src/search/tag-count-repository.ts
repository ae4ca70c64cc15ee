/**
 * Tag counts: how many speeches carry each tag, overall and over time, so a campaigner can
 * see when privatisation was talked about. Speech-level tags are counted (a speech with
 * three tagged paragraphs is one speech).
 */
import type { Queryable } from '../store/db.js';
import type { SpeechFilters } from './filters.js';
import { Params, speechConditions, whereClause } from './sql.js';

export const INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface TagTotal {
  tag: string;
  speeches: number;
  firstDate: string | null;
  lastDate: string | null;
}

export interface TagPeriodCount {
  /** Start of the period, `YYYY-MM-DD` (weeks start on Monday). */
  period: string;
  tag: string;
  speeches: number;
}

export class TagCountRepository {
  constructor(private readonly db: Queryable) {}

  /** Every tag in the store with its speech count at the minimum confidence, most used first. */
  async totals(minConfidence: number): Promise<TagTotal[]> {
    const rows = await this.db.query<{ tag: string; n: number; first: string | null; last: string | null }>(
      `SELECT t.tag, count(*)::int AS n, min(s.sitting_date)::text AS first, max(s.sitting_date)::text AS last
         FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
        WHERE t.confidence >= $1::real
        GROUP BY t.tag ORDER BY n DESC, t.tag`,
      [minConfidence],
    );
    return rows.map((r) => ({ tag: r.tag, speeches: r.n, firstDate: r.first, lastDate: r.last }));
  }

  /** Speeches per tag per period, for the speeches the filters select (their tags narrow the tags counted). */
  async timeline(f: SpeechFilters, interval: Interval): Promise<TagPeriodCount[]> {
    const params = new Params();
    // The tag filter chooses which tags are counted rather than which speeches are looked at.
    const where = speechConditions({ ...f, tags: undefined, tagged: undefined }, params, 's');
    where.push(`t.confidence >= ${params.add(f.minConfidence)}::real`);
    if (f.tags?.length) where.push(`t.tag = ANY(${params.add(f.tags)}::text[])`);
    const unit = params.add(interval);
    const rows = await this.db.query<{ period: string; tag: string; n: number }>(
      `SELECT date_trunc(${unit}::text, s.sitting_date::timestamp)::date::text AS period, t.tag, count(*)::int AS n
         FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
        ${whereClause(where)}
        GROUP BY 1, 2 ORDER BY 1, 2`,
      params.values,
    );
    return rows.map((r) => ({ period: r.period, tag: r.tag, speeches: r.n }));
  }
}
