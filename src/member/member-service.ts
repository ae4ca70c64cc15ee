import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../store/checksum.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { MemberRepository, type MemberLoadResult } from './member-repository.js';
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

/**
 * Loads a people.json into the store. Bad records are reported and skipped, the rest loads;
 * speeches already stored are re-resolved so party and seat follow corrected member data.
 */
export async function loadMembersFile(db: Db, file: string, log: Logger): Promise<MembersFileResult> {
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
  const result = await new MemberRepository(db).replaceAll(data, {
    name: path.basename(file),
    checksum: sha256Hex(bytes),
  });
  const loaded = result.status === 'loaded';
  const speechesUpdated = loaded ? await reresolveSpeeches(db, data) : 0;
  const votesUpdated = loaded ? await reresolveVotes(db, new MemberResolver(data)) : 0;
  return { ...result, issues, speechesUpdated, votesUpdated };
}

const BATCH = 5000;

/** Re-resolves every stored speech's speaker, writing only rows whose person, party or seat changed. */
async function reresolveSpeeches(db: Db, data: PeopleData): Promise<number> {
  const resolver = new MemberResolver(data);
  let after = '';
  let updated = 0;
  for (;;) {
    const rows = await db.query<{
      gid: string;
      speaker_id: string | null;
      person_id: string | null;
      d: string;
      membership_id: string | null;
      party: string | null;
      constituency: string | null;
      speaker_name: string | null;
      person_name: string | null;
      type: string;
    }>(
      `SELECT gid, speaker_id, person_id, to_char(sitting_date, 'YYYY-MM-DD') AS d, membership_id, party, constituency,
              speaker_name, person_name, type
         FROM speeches WHERE gid > $1 AND (speaker_id IS NOT NULL OR person_id IS NOT NULL) ORDER BY gid LIMIT ${BATCH}`,
      [after],
    );
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
      await db.query(
        `UPDATE speeches s SET person_id = u.person_id, membership_id = u.membership_id, party = u.party,
                constituency = u.constituency, house = u.house, person_name = u.person_name
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS u(gid, person_id, membership_id, party, constituency, house, person_name)
          WHERE s.gid = u.gid`,
        [
          changed.map((c) => c.gid),
          changed.map((c) => c.who?.personId ?? null),
          changed.map((c) => c.who?.membershipId ?? null),
          changed.map((c) => c.who?.party ?? null),
          changed.map((c) => c.who?.constituency ?? null),
          changed.map((c) => c.who?.house ?? null),
          changed.map((c) => c.who?.name ?? null),
        ],
      );
      updated += changed.length;
    }
  }
}

interface StoredVote {
  division_gid: string;
  seq: number;
  member_id: string | null;
  person_id: string | null;
  d: string;
  membership_id: string | null;
  person_name: string | null;
  party: string | null;
  constituency: string | null;
  type: string;
}

/** Re-resolves every stored vote's voter on its division's date, writing only rows that changed. */
async function reresolveVotes(db: Db, resolver: MemberResolver): Promise<number> {
  let after: [string, number] = ['', -1];
  let updated = 0;
  for (;;) {
    const rows = await db.query<StoredVote>(
      `SELECT v.division_gid, v.seq, v.member_id, v.person_id, to_char(d.sitting_date, 'YYYY-MM-DD') AS d,
              v.membership_id, v.person_name, v.party, v.constituency, d.type
         FROM votes v JOIN divisions d ON d.gid = v.division_gid
        WHERE (v.division_gid, v.seq) > ($1, $2) AND (v.member_id IS NOT NULL OR v.person_id IS NOT NULL)
        ORDER BY v.division_gid, v.seq LIMIT ${BATCH}`,
      after,
    );
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
      return same ? [] : [{ r, who }];
    });
    if (changed.length === 0) continue;
    await db.query(
      `UPDATE votes v SET person_id = u.person_id, membership_id = u.membership_id, person_name = u.person_name,
              party = u.party, constituency = u.constituency, house = u.house
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS u(division_gid, seq, person_id, membership_id, person_name, party, constituency, house)
        WHERE v.division_gid = u.division_gid AND v.seq = u.seq`,
      [
        changed.map((c) => c.r.division_gid),
        changed.map((c) => c.r.seq),
        changed.map((c) => c.who.personId),
        changed.map((c) => c.who.membershipId),
        changed.map((c) => c.who.name),
        changed.map((c) => c.who.party),
        changed.map((c) => c.who.constituency),
        changed.map((c) => c.who.house),
      ],
    );
    updated += changed.length;
  }
}
