/**
 * The store's speakers and voters that do not resolve cleanly, with the reason, for
 * `hansard-watch errors`. Worked out against the member data as stored now (not as they
 * were at ingest), so a corrected people.json clears its problems at once.
 */
import type { MemberRepository, SpeakerRefCount } from './member-repository.js';
import { MemberResolver } from './resolve.js';
import { listUnresolvable, type UnresolvedSpeaker } from './unresolved.js';

export interface UnresolvedReport {
  /** False when no people.json has been loaded: then nothing can resolve. */
  membersLoaded: boolean;
  speakers: UnresolvedSpeaker[];
  voters: UnresolvedSpeaker[];
}

/** The member store as the report reads it: MemberRepository, or an in-memory fake in tests. */
export type UnresolvedSource = Pick<MemberRepository, 'load' | 'speakerRefCounts' | 'voterRefCounts'>;

export async function unresolvedReport(members: UnresolvedSource): Promise<UnresolvedReport> {
  const data = await members.load();
  const membersLoaded = data.persons.length > 0;
  const resolver = new MemberResolver(data);
  const refs = (rows: SpeakerRefCount[]) =>
    rows.map((r) => ({
      speakerId: r.speaker_id,
      personId: r.person_id,
      speakerName: r.speaker_name,
      date: r.d,
      count: r.n,
    }));
  return {
    membersLoaded,
    speakers: listUnresolvable(resolver, refs(await members.speakerRefCounts())),
    voters: listUnresolvable(resolver, refs(await members.voterRefCounts())),
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
