/**
 * A tag's profile: how many speeches carry it, by month, by house, by party, and who says
 * it most, under the same filters as search. One statement (grouping sets over one pass of
 * the tag's rows), since every part reads the same speeches.
 */
import type { Queryable } from '../store/db.js';
import type { SpeechFilters } from './filters.js';
import { Params, speechConditions, whereClause } from './sql.js';

export interface CountBy {
  key: string | null;
  speeches: number;
}

export interface TopSpeaker {
  personId: string;
  name: string | null;
  speeches: number;
}

export interface TagProfile {
  tag: string;
  speeches: number;
  /** `YYYY-MM`, oldest first; months without speeches are absent. */
  byMonth: CountBy[];
  byHouse: CountBy[];
  /** Party at the time of the speech; null for speakers with none recorded. */
  byParty: CountBy[];
  topSpeakers: TopSpeaker[];
}

export const TOP_SPEAKERS = 10;

interface ProfileRow {
  set: number;
  month: string | null;
  house: string | null;
  party: string | null;
  person_id: string | null;
  n: number;
}

export class TagPageRepository {
  constructor(private readonly db: Queryable) {}

  /** The profile of `tag` over the speeches the filters select (their own tags are ignored). */
  async profile(tag: string, f: SpeechFilters): Promise<TagProfile> {
    const params = new Params();
    const where = speechConditions(
      { ...f, tags: undefined, tagged: undefined, from: undefined, to: undefined },
      params,
      's',
    );
    // Tag and dates on speech_tags, so that its (tag, sitting_date) index bounds the rows read.
    where.unshift(`t.tag = ${params.add(tag)}`, `t.confidence >= ${params.add(f.minConfidence)}::real`);
    if (f.from) where.push(`t.sitting_date >= ${params.add(f.from)}::date`);
    if (f.to) where.push(`t.sitting_date <= ${params.add(f.to)}::date`);
    const rows = await this.db.query<ProfileRow>(
      `SELECT GROUPING(month, s.house, s.party, s.person_id)::int AS set, month, s.house, s.party, s.person_id,
              count(*)::int AS n
         FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid,
              LATERAL (SELECT to_char(t.sitting_date, 'YYYY-MM') AS month) m
        ${whereClause(where)}
        GROUP BY GROUPING SETS ((month), (s.house), (s.party), (s.person_id), ())`,
      params.values,
    );
    const profile = toProfile(tag, rows);
    // Names only for the few shown: the counts then read nothing but covering indexes.
    const names = await this.db.query<{ id: string; name: string }>(
      'SELECT id, name FROM persons WHERE id = ANY($1::text[])',
      [profile.topSpeakers.map((s) => s.personId)],
    );
    const byId = new Map(names.map((n) => [n.id, n.name]));
    for (const s of profile.topSpeakers) s.name = byId.get(s.personId) ?? null;
    return profile;
  }
}

// GROUPING() sets one bit per argument not grouped by, the first argument the highest.
const SET = { month: 0b0111, house: 0b1011, party: 0b1101, person: 0b1110, total: 0b1111 };

function toProfile(tag: string, rows: readonly ProfileRow[]): TagProfile {
  const of = (set: number) => rows.filter((r) => r.set === set);
  const byCount = (a: CountBy, b: CountBy) =>
    b.speeches - a.speeches || String(a.key).localeCompare(String(b.key));
  return {
    tag,
    speeches: of(SET.total)[0]?.n ?? 0,
    byMonth: of(SET.month)
      .map((r) => ({ key: r.month, speeches: r.n }))
      .sort((a, b) => String(a.key).localeCompare(String(b.key))),
    byHouse: of(SET.house)
      .map((r) => ({ key: r.house, speeches: r.n }))
      .sort(byCount),
    byParty: of(SET.party)
      .map((r) => ({ key: r.party, speeches: r.n }))
      .sort(byCount),
    topSpeakers: of(SET.person)
      .filter((r) => r.person_id !== null)
      .map((r) => ({ personId: r.person_id!, name: null as string | null, speeches: r.n }))
      .sort((a, b) => b.speeches - a.speeches || a.personId.localeCompare(b.personId))
      .slice(0, TOP_SPEAKERS),
  };
}
