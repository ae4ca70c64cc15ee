/**
 * Loading member data and re-resolving stored speeches and votes, and the unresolved
 * report, against an in-memory member store: these are decisions about people, which a
 * database adds nothing to. The SQL runs against Postgres and PGlite in
 * tests/division/people-votes.test.ts and tests/ingest/today-layouts.test.ts.
 */
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type {
  Attribution,
  MemberLoadResult,
  SpeakerRefCount,
  StoredSpeaker,
  StoredVote,
} from '../../src/member/member-repository.js';
import { loadMembersFile, type MemberStore } from '../../src/member/member-service.js';
import { parsePeople } from '../../src/member/people.js';
import type { PeopleData } from '../../src/member/types.js';
import { unresolvedReport } from '../../src/member/unresolved-report.js';
import { fixtureJson, member, person } from './fixture.js';

const peopleFile = fileURLToPath(new URL('../fixtures/member/people.json', import.meta.url));
const silent = pino({ level: 'silent' });

const speech = (gid: string, over: Partial<StoredSpeaker>): StoredSpeaker => ({
  gid,
  speaker_id: null,
  person_id: null,
  d: '2003-02-10',
  membership_id: null,
  party: null,
  constituency: null,
  speaker_name: null,
  person_name: null,
  type: 'debates',
  ...over,
});

const JANE_2003 = {
  speaker_id: member(1),
  person_id: person(1),
  membership_id: member(1),
  party: 'Red Party',
  constituency: 'Northtown',
  person_name: 'Jane Doe',
};

/** Speeches and votes in memory, paged by key like the repository's keyset queries. */
function fakeMembers(
  speeches: StoredSpeaker[],
  votes: StoredVote[],
  status: MemberLoadResult['status'] = 'loaded',
) {
  const speechWrites: { gid: string; who: Attribution | null }[] = [];
  const voteWrites: { division_gid: string; seq: number; who: Attribution }[] = [];
  const store: MemberStore = {
    replaceAll: async (data) => ({
      status,
      persons: data.persons.length,
      memberships: data.memberships.length,
    }),
    speakersAfter: async (after, limit) =>
      speeches
        .filter((s) => s.gid > after)
        .sort((a, b) => (a.gid < b.gid ? -1 : 1))
        .slice(0, limit),
    setSpeakers: async (changed) => void speechWrites.push(...changed),
    votesAfter: async ([gid, seq], limit) =>
      votes.filter((v) => v.division_gid > gid || (v.division_gid === gid && v.seq > seq)).slice(0, limit),
    setVoters: async (changed) => void voteWrites.push(...changed),
  };
  return { store, speechWrites, voteWrites };
}

describe('loadMembersFile (in-memory store)', () => {
  it('re-resolves only speeches whose person, party or seat changed, and leaves unknown ids alone', async () => {
    const { store, speechWrites } = fakeMembers(
      [
        speech('a', { ...JANE_2003, party: null }),
        speech('b', JANE_2003),
        speech('c', {
          speaker_id: 'uk.org.publicwhip/member/999',
          person_id: 'uk.org.publicwhip/member/999',
        }),
        speech('d', { person_id: 'uk.org.publicwhip/person/999' }),
      ],
      [],
    );
    const result = await loadMembersFile(store, peopleFile, silent);
    expect(result).toMatchObject({ status: 'loaded', speechesUpdated: 1, votesUpdated: 0, issues: [] });
    expect(speechWrites).toEqual([
      {
        gid: 'a',
        who: expect.objectContaining({
          personId: person(1),
          membershipId: member(1),
          party: 'Red Party',
          constituency: 'Northtown',
          name: 'Jane Doe',
          house: 'house-of-commons',
        }),
      },
    ]);
  });

  it("moves a vote to the membership valid on its division's date", async () => {
    const vote = (seq: number, over: Partial<StoredVote>): StoredVote => ({
      division_gid: 'div1',
      seq,
      member_id: null,
      person_id: null,
      d: '2008-01-10',
      membership_id: null,
      person_name: null,
      party: null,
      constituency: null,
      type: 'debates',
      ...over,
    });
    const { store, voteWrites } = fakeMembers(
      [],
      [
        vote(0, { member_id: member(3), membership_id: member(3), party: 'Blue Party' }),
        vote(1, { member_id: 'uk.org.publicwhip/member/999' }),
      ],
    );
    expect((await loadMembersFile(store, peopleFile, silent)).votesUpdated).toBe(1);
    expect(voteWrites).toEqual([
      {
        division_gid: 'div1',
        seq: 0,
        who: expect.objectContaining({ membershipId: member(4), party: 'Red Party' }),
      },
    ]);
  });

  it('re-resolves nothing when the same file was loaded last', async () => {
    const { store, speechWrites } = fakeMembers(
      [speech('a', { ...JANE_2003, party: null })],
      [],
      'unchanged',
    );
    expect(await loadMembersFile(store, peopleFile, silent)).toMatchObject({
      status: 'unchanged',
      speechesUpdated: 0,
      votesUpdated: 0,
    });
    expect(speechWrites).toEqual([]);
  });
});

describe('unresolvedReport (in-memory store)', () => {
  const ref = (speaker_id: string | null, d: string, n: number): SpeakerRefCount => ({
    speaker_id,
    person_id: null,
    speaker_name: null,
    d,
    n,
  });
  const source = (data: PeopleData, speakers: SpeakerRefCount[], voters: SpeakerRefCount[]) => ({
    load: async () => data,
    speakerRefCounts: async () => speakers,
    voterRefCounts: async () => voters,
  });

  it('lists ids that do not resolve, with their count and first date, and not those that do', async () => {
    const unknown = 'uk.org.publicwhip/member/999';
    const report = await unresolvedReport(
      source(
        parsePeople(fixtureJson()).data,
        [ref(member(1), '2003-02-10', 4), ref(unknown, '2003-02-11', 2), ref(unknown, '2003-02-10', 1)],
        [ref(unknown, '2008-01-10', 5)],
      ),
    );
    expect(report.membersLoaded).toBe(true);
    expect(report.speakers.map((s) => [s.id, s.count, s.firstDate])).toEqual([[unknown, 3, '2003-02-10']]);
    expect(report.voters.map((s) => [s.id, s.count])).toEqual([[unknown, 5]]);
  });

  it('says so when no member data is loaded', async () => {
    const empty: PeopleData = { persons: [], names: [], memberships: [], organizations: [], posts: [] };
    expect((await unresolvedReport(source(empty, [], []))).membersLoaded).toBe(false);
  });
});
