/**
 * The store's speakers and voters that do not resolve cleanly, with the reason, for
 * `hansard-watch errors`. Worked out against the member data as stored now (not as they
 * were at ingest), so a corrected people.json clears its problems at once.
 */
import type { Db } from '../store/db.js';
import { MemberRepository } from './member-repository.js';
import { MemberResolver } from './resolve.js';
import { listUnresolvable, type UnresolvedSpeaker } from './unresolved.js';

export interface UnresolvedReport {
  /** False when no people.json has been loaded: then nothing can resolve. */
  membersLoaded: boolean;
  speakers: UnresolvedSpeaker[];
  voters: UnresolvedSpeaker[];
}

interface RefRow {
  speaker_id: string | null;
  person_id: string | null;
  speaker_name: string | null;
  d: string;
  n: number;
}

export async function unresolvedReport(db: Db): Promise<UnresolvedReport> {
  const data = await new MemberRepository(db).load();
  const membersLoaded = data.persons.length > 0;
  const resolver = new MemberResolver(data);
  // Speeches keep the raw speakerid; their person_id is the raw one only where there is none.
  const speeches = await db.query<RefRow>(
    `SELECT speaker_id, CASE WHEN speaker_id IS NULL THEN person_id END AS person_id, speaker_name,
            to_char(sitting_date, 'YYYY-MM-DD') AS d, count(*)::int AS n
       FROM speeches WHERE speaker_id IS NOT NULL OR person_id IS NOT NULL
      GROUP BY 1, 2, 3, 4 ORDER BY 4`,
  );
  const votes = await db.query<RefRow>(
    `SELECT v.member_id AS speaker_id, CASE WHEN v.member_id IS NULL THEN v.person_id END AS person_id,
            NULL::text AS speaker_name, to_char(d.sitting_date, 'YYYY-MM-DD') AS d, count(*)::int AS n
       FROM votes v JOIN divisions d ON d.gid = v.division_gid
      WHERE v.member_id IS NOT NULL OR v.person_id IS NOT NULL
      GROUP BY 1, 2, 3, 4 ORDER BY 4`,
  );
  const refs = (rows: RefRow[]) =>
    rows.map((r) => ({
      speakerId: r.speaker_id,
      personId: r.person_id,
      speakerName: r.speaker_name,
      date: r.d,
      count: r.n,
    }));
  return {
    membersLoaded,
    speakers: listUnresolvable(resolver, refs(speeches)),
    voters: listUnresolvable(resolver, refs(votes)),
  };
}

/** One line per problem, for the CLI. */
export function formatUnresolved(report: UnresolvedReport): string[] {
  if (!report.membersLoaded)
    return ['UNRESOLVED no member data loaded (hansard-watch members load <people.json>)'];
  const line = (what: string, unit: [string, string]) => (u: UnresolvedSpeaker) =>
    `UNRESOLVED ${what} ${u.id} ${u.reason}: ${u.message} (${u.count} ${u.count === 1 ? unit[0] : unit[1]}, first ${u.firstDate})${u.resolved ? ' [resolved with a guess]' : ''}`;
  return [
    ...report.speakers.map(line('speaker', ['speech', 'speeches'])),
    ...report.voters.map(line('voter', ['vote', 'votes'])),
  ];
}
