/**
 * Votes for MP alerts (issue #20): the divisions of the days a batch touched in which
 * people someone follows voted, with the debate's headings, counts and tags. One query.
 */
import type { Queryable } from '../store/db.js';
import { DEFAULT_MIN_CONFIDENCE } from '../tag/types.js';

export interface FollowedVote {
  divisionGid: string;
  groupKey: string;
  type: string;
  sittingDate: string;
  number: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  majorHeading: string | null;
  minorHeading: string | null;
  counts: Record<string, number>;
  personId: string;
  personName: string | null;
  voterName: string;
  vote: string;
  party: string | null;
  constituency: string | null;
  house: string | null;
  /** Tags of the debate the division closes (its speeches under the same headings), strongest first. */
  tags: string[];
}

interface Row {
  gid: string;
  group_key: string;
  type: string;
  sitting_date: string;
  number: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  major_heading: string | null;
  minor_heading: string | null;
  counts: Record<string, number> | null;
  person_id: string;
  person_name: string | null;
  name: string;
  vote: string;
  party: string | null;
  constituency: string | null;
  house: string | null;
  tags: string[] | null;
}

export class AlertVoteSource {
  constructor(private readonly db: Queryable) {}

  async votes(groupKeys: readonly string[], personIds: readonly string[]): Promise<FollowedVote[]> {
    if (groupKeys.length === 0 || personIds.length === 0) return [];
    const rows = await this.db.query<Row>(
      `SELECT d.gid, d.group_key, d.type, to_char(d.sitting_date, 'YYYY-MM-DD') AS sitting_date, d.number,
              to_char(d.time, 'HH24:MI') AS time, d.colnum, d.url, mh.title AS major_heading, nh.title AS minor_heading,
              d.counts, v.person_id, v.person_name, v.name, v.vote, v.party, v.constituency, v.house,
              (SELECT array_agg(t.tag ORDER BY t.c DESC, t.tag) FROM (
                 SELECT st.tag, max(st.confidence) AS c FROM speeches s JOIN speech_tags st ON st.speech_gid = s.gid
                  WHERE s.group_key = d.group_key
                    AND s.major_heading_gid IS NOT DISTINCT FROM d.major_heading_gid
                    AND s.minor_heading_gid IS NOT DISTINCT FROM d.minor_heading_gid
                    AND st.confidence >= $3
                  GROUP BY st.tag) t) AS tags
         FROM divisions d
         JOIN votes v ON v.division_gid = d.gid
         LEFT JOIN headings mh ON mh.gid = d.major_heading_gid
         LEFT JOIN headings nh ON nh.gid = d.minor_heading_gid
        WHERE d.group_key = ANY($1::text[]) AND v.person_id = ANY($2::text[])
        ORDER BY d.sitting_date, d.group_key, d.seq, v.seq`,
      [[...new Set(groupKeys)], [...new Set(personIds)], DEFAULT_MIN_CONFIDENCE],
    );
    return rows.map((r) => ({
      divisionGid: r.gid,
      groupKey: r.group_key,
      type: r.type,
      sittingDate: r.sitting_date,
      number: r.number,
      time: r.time,
      colnum: r.colnum,
      url: r.url,
      majorHeading: r.major_heading,
      minorHeading: r.minor_heading,
      counts: r.counts ?? {},
      personId: r.person_id,
      personName: r.person_name,
      voterName: r.name,
      vote: r.vote,
      party: r.party,
      constituency: r.constituency,
      house: r.house,
      tags: r.tags ?? [],
    }));
  }
}
