import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checksumOf } from '../ingest/rows.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { MemberRepository, type MemberLoadResult } from './member-repository.js';
import { parsePeople, type PeopleIssue } from './people.js';
import { MemberResolver } from './resolve.js';
import type { PeopleData } from './types.js';

export interface MembersFileResult extends MemberLoadResult {
  issues: PeopleIssue[];
  /** Stored speeches whose speaker was resolved again against the new data. */
  speechesUpdated: number;
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
    checksum: checksumOf(bytes),
  });
  const speechesUpdated = result.status === 'loaded' ? await reresolveSpeeches(db, data) : 0;
  return { ...result, issues, speechesUpdated };
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
    }>(
      `SELECT gid, speaker_id, person_id, to_char(sitting_date, 'YYYY-MM-DD') AS d, membership_id, party, constituency
         FROM speeches WHERE gid > $1 AND (speaker_id IS NOT NULL OR person_id IS NOT NULL) ORDER BY gid LIMIT ${BATCH}`,
      [after],
    );
    if (rows.length === 0) return updated;
    after = rows[rows.length - 1]!.gid;
    const changed = rows.flatMap((r) => {
      const who = resolver.resolve(
        { speakerId: r.speaker_id, personId: r.speaker_id ? null : r.person_id },
        r.d,
      );
      if (!who) return [];
      const same =
        who.personId === r.person_id &&
        who.membershipId === r.membership_id &&
        who.party === r.party &&
        who.constituency === r.constituency;
      return same ? [] : [{ gid: r.gid, who }];
    });
    if (changed.length > 0) {
      await db.query(
        `UPDATE speeches s SET person_id = u.person_id, membership_id = u.membership_id, party = u.party,
                constituency = u.constituency, house = u.house
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
             AS u(gid, person_id, membership_id, party, constituency, house)
          WHERE s.gid = u.gid`,
        [
          changed.map((c) => c.gid),
          changed.map((c) => c.who.personId),
          changed.map((c) => c.who.membershipId),
          changed.map((c) => c.who.party),
          changed.map((c) => c.who.constituency),
          changed.map((c) => c.who.house),
        ],
      );
      updated += changed.length;
    }
  }
}
