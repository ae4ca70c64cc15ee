import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../store/checksum.js';
import type { Logger } from '../log.js';
import type { MemberLoadResult, MemberRepository } from './member-repository.js';
import { feedHouse } from './feed-house.js';
import { attributeSpeaker } from './office.js';
import { parsePeople, type PeopleIssue } from './people.js';
import { MemberResolver } from './resolve.js';
import type { PeopleData } from './types.js';

export interface MembersFileResult extends MemberLoadResult {
  issues: PeopleIssue[];
  /** Stored speeches whose speaker was resolved again against the new data. */
  speechesUpdated: number;
  /** Stored votes whose voter was resolved again against the new data. */
  votesUpdated: number;
}

/** The member store as this service uses it: MemberRepository, or an in-memory fake in tests. */
export type MemberStore = Pick<
  MemberRepository,
  'replaceAll' | 'speakersAfter' | 'setSpeakers' | 'votesAfter' | 'setVoters'
>;

/**
 * Loads a people.json into the store. Bad records are reported and skipped, the rest loads;
 * speeches already stored are re-resolved so party and seat follow corrected member data.
 */
export async function loadMembersFile(
  members: MemberStore,
  file: string,
  log: Logger,
): Promise<MembersFileResult> {
  const bytes = await readFile(file);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const { data, issues } = parsePeople(json, file);
  for (const issue of issues.slice(0, 50))
    log.warn({ file, path: issue.path, err: issue.message }, 'people.json record skipped');
  const result = await members.replaceAll(data, {
    name: path.basename(file),
    checksum: sha256Hex(bytes),
  });
  const loaded = result.status === 'loaded';
  const speechesUpdated = loaded ? await reresolveSpeeches(members, data) : 0;
  const votesUpdated = loaded ? await reresolveVotes(members, new MemberResolver(data)) : 0;
  return { ...result, issues, speechesUpdated, votesUpdated };
}

const BATCH = 5000;

/** Re-resolves every stored speech's speaker, writing only rows whose person, party or seat changed. */
async function reresolveSpeeches(members: MemberStore, data: PeopleData): Promise<number> {
  const resolver = new MemberResolver(data);
  let after = '';
  let updated = 0;
  for (;;) {
    const rows = await members.speakersAfter(after, BATCH);
    if (rows.length === 0) return updated;
    after = rows[rows.length - 1]!.gid;
    const changed = rows.flatMap((r) => {
      const who = attributeSpeaker(
        resolver,
        { speakerId: r.speaker_id, personId: r.speaker_id ? null : r.person_id, house: feedHouse(r.type) },
        r.speaker_name,
        r.d,
      );
      // Unknown ids keep what ingest stored; an office its id cannot hold loses its person.
      if (!who && !r.speaker_id) return [];
      if (!who && resolver.resolve({ speakerId: r.speaker_id }, r.d) === null) return [];
      const same =
        (who?.personId ?? null) === r.person_id &&
        (who?.membershipId ?? null) === r.membership_id &&
        (who?.party ?? null) === r.party &&
        (who?.constituency ?? null) === r.constituency &&
        (who?.name ?? null) === r.person_name;
      return same ? [] : [{ gid: r.gid, who }];
    });
    if (changed.length > 0) {
      await members.setSpeakers(changed);
      updated += changed.length;
    }
  }
}

/** Re-resolves every stored vote's voter on its division's date, writing only rows that changed. */
async function reresolveVotes(members: MemberStore, resolver: MemberResolver): Promise<number> {
  let after: [string, number] = ['', -1];
  let updated = 0;
  for (;;) {
    const rows = await members.votesAfter(after, BATCH);
    if (rows.length === 0) return updated;
    const last = rows[rows.length - 1]!;
    after = [last.division_gid, last.seq];
    const changed = rows.flatMap((r) => {
      const who = resolver.resolve(
        { speakerId: r.member_id, personId: r.member_id ? null : r.person_id, house: feedHouse(r.type) },
        r.d,
      );
      if (!who) return [];
      const same =
        who.personId === r.person_id &&
        who.membershipId === r.membership_id &&
        who.name === r.person_name &&
        who.party === r.party &&
        who.constituency === r.constituency;
      return same ? [] : [{ division_gid: r.division_gid, seq: r.seq, who }];
    });
    if (changed.length === 0) continue;
    await members.setVoters(changed);
    updated += changed.length;
  }
}
