/**
 * A member's voting record as their page shows it: each division of their house while they
 * sat in it, newest first, with how they voted (or that no vote is recorded), the debate it
 * closed and that debate's tags. Divisions they voted in outside those (a committee's) are
 * listed too, since the vote itself is known.
 */
import type { Queryable } from '../store/db.js';
import { DIVISION_HOUSE, WHOLE_HOUSE_DIVISION_TYPES } from './vote-row.js';

export interface PersonDivision {
  divisionGid: string;
  type: string;
  sittingDate: string;
  number: string | null;
  /** `HH:MM`. */
  time: string | null;
  /** The debate the division closed: its minor heading, else its major one. */
  debateGid: string | null;
  debateTitle: string | null;
  /** The person's votes as the list prints them (`aye`, `tellno`, …); empty when they are not in the list. */
  votes: string[];
  /** Totals as the feed states them. */
  counts: Record<string, number>;
  /** Tags of the debate's speeches at the threshold, most speeches first. */
  tags: { tag: string; speeches: number; confidence: number }[];
}

export interface PersonDivisionPage {
  divisions: PersonDivision[];
  /** Divisions in the record for this person (voted, or sat and did not). */
  total: number;
}

interface Row {
  gid: string;
  type: string;
  sitting_date: string;
  number: string | null;
  time: string | null;
  debate_gid: string | null;
  debate_title: string | null;
  votes: string[] | null;
  counts: Record<string, number>;
  tags: PersonDivision['tags'] | null;
  total: number;
}

const HOUSE_TYPES = Object.entries(DIVISION_HOUSE).filter(([t]) => WHOLE_HOUSE_DIVISION_TYPES.includes(t));

export class PersonDivisionRepository {
  constructor(private readonly db: Queryable) {}

  async record(personId: string, limit: number, minConfidence: number): Promise<PersonDivisionPage> {
    const rows = await this.db.query<Row>(
      `WITH mine AS (
         SELECT COALESCE(m.organization_id, ps.organization_id) AS house, m.start_date, m.end_date
           FROM memberships m LEFT JOIN posts ps ON ps.id = m.post_id WHERE m.person_id = $1),
       sat AS (
         SELECT d.gid FROM divisions d
           JOIN unnest($2::text[], $3::text[]) AS ht(type, house) ON ht.type = d.type
          WHERE EXISTS (SELECT 1 FROM mine
                         WHERE mine.house = ht.house AND COALESCE(mine.start_date, '') <= d.sitting_date::text
                           AND (mine.end_date IS NULL OR mine.end_date >= d.sitting_date::text))
         UNION
         SELECT division_gid FROM votes WHERE person_id = $1),
       page AS (
         SELECT d.*, count(*) OVER () AS total FROM divisions d WHERE d.gid IN (SELECT gid FROM sat)
          ORDER BY d.sitting_date DESC, d.seq DESC LIMIT $4)
       SELECT p.gid, p.type, p.sitting_date::text AS sitting_date, p.number, to_char(p.time, 'HH24:MI') AS time,
              h.gid AS debate_gid, h.title AS debate_title, p.counts, p.total::int AS total,
              (SELECT array_agg(v.vote ORDER BY v.seq) FROM votes v WHERE v.division_gid = p.gid AND v.person_id = $1) AS votes,
              (SELECT json_agg(json_build_object('tag', tag, 'speeches', n, 'confidence', c) ORDER BY n DESC, tag)
                 FROM (SELECT t.tag, count(*)::int AS n, round(max(t.confidence)::numeric, 2)::float8 AS c
                         FROM speeches s JOIN speech_tags t ON t.speech_gid = s.gid
                        WHERE s.group_key = p.group_key AND h.gid IS NOT NULL
                          AND h.gid IN (s.minor_heading_gid, s.major_heading_gid) AND t.confidence >= $5::real
                        GROUP BY t.tag) g) AS tags
         FROM page p LEFT JOIN headings h ON h.gid = COALESCE(p.minor_heading_gid, p.major_heading_gid)
        ORDER BY p.sitting_date DESC, p.seq DESC`,
      [personId, HOUSE_TYPES.map(([t]) => t), HOUSE_TYPES.map(([, h]) => h), limit, minConfidence],
    );
    return {
      total: rows[0]?.total ?? 0,
      divisions: rows.map((r) => ({
        divisionGid: r.gid,
        type: r.type,
        sittingDate: r.sitting_date,
        number: r.number,
        time: r.time,
        debateGid: r.debate_gid,
        debateTitle: r.debate_title,
        votes: r.votes ?? [],
        counts: r.counts,
        tags: r.tags ?? [],
      })),
    };
  }
}
