import type { Db, Queryable } from '../store/db.js';
import type { PeopleData, ResolvedSpeaker } from './types.js';

export interface MemberLoadResult {
  status: 'loaded' | 'unchanged';
  persons: number;
  memberships: number;
}

/** A stored speech's speaker as ingest recorded it, for re-resolving against new member data. */
export interface StoredSpeaker {
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
}

/** A stored vote's voter as ingest recorded it, with its division's date and feed type. */
export interface StoredVote {
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

/** Whom a stored speech or vote is attributed to; null on a speech clears its person. */
export type Attribution = Pick<
  ResolvedSpeaker,
  'personId' | 'membershipId' | 'party' | 'constituency' | 'house' | 'name'
>;

/** Speeches or votes citing one raw speaker or person id on one day. */
export interface SpeakerRefCount {
  speaker_id: string | null;
  person_id: string | null;
  speaker_name: string | null;
  d: string;
  n: number;
}

/** Column arrays for one `INSERT … SELECT FROM unnest(…)` per table. */
async function insertMany<T>(
  tx: Queryable,
  table: string,
  items: T[],
  cols: [string, string, (x: T) => unknown][],
) {
  if (items.length === 0) return;
  const names = cols.map(([c]) => c).join(', ');
  const arrays = cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  await tx.query(
    `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
    cols.map(([, , get]) => items.map(get)),
  );
}

/** Persons, names, memberships, organisations and posts: the store side of members/people.json. */
export class MemberRepository {
  constructor(private readonly db: Db) {}

  /** Replaces the member tables with `data` in one transaction, unless this exact file was loaded last. */
  async replaceAll(data: PeopleData, source: { name: string; checksum: string }): Promise<MemberLoadResult> {
    return this.db.transaction(async (tx) => {
      const counts = { persons: data.persons.length, memberships: data.memberships.length };
      const prev = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM people_sources WHERE name = $1',
        [source.name],
      );
      if (prev[0]?.checksum === source.checksum) return { status: 'unchanged', ...counts };
      for (const t of ['person_names', 'memberships', 'persons', 'posts', 'organizations'])
        await tx.query(`DELETE FROM ${t}`);
      await insertMany(tx, 'organizations', data.organizations, [
        ['id', 'text', (o) => o.id],
        ['name', 'text', (o) => o.name],
        ['classification', 'text', (o) => o.classification],
      ]);
      await insertMany(tx, 'posts', data.posts, [
        ['id', 'text', (p) => p.id],
        ['organization_id', 'text', (p) => p.organizationId],
        ['area', 'text', (p) => p.area],
        ['role', 'text', (p) => p.role],
      ]);
      await insertMany(tx, 'persons', data.persons, [
        ['id', 'text', (p) => p.id],
        ['name', 'text', (p) => p.name],
        ['identifiers', 'jsonb', (p) => JSON.stringify(p.identifiers)],
      ]);
      await insertMany(tx, 'person_names', data.names, [
        ['person_id', 'text', (n) => n.personId],
        ['seq', 'int4', (n) => n.seq],
        ['note', 'text', (n) => n.note],
        ['display', 'text', (n) => n.display],
        ['given_name', 'text', (n) => n.givenName],
        ['family_name', 'text', (n) => n.familyName],
        ['honorific_prefix', 'text', (n) => n.honorificPrefix],
        ['lord_name', 'text', (n) => n.lordName],
        ['lord_of_name', 'text', (n) => n.lordOfName],
        ['start_date', 'text', (n) => n.startDate],
        ['end_date', 'text', (n) => n.endDate],
      ]);
      await insertMany(tx, 'memberships', data.memberships, [
        ['id', 'text', (m) => m.id],
        ['person_id', 'text', (m) => m.personId],
        ['party_id', 'text', (m) => m.partyId],
        ['post_id', 'text', (m) => m.postId],
        ['organization_id', 'text', (m) => m.organizationId],
        ['start_date', 'text', (m) => m.startDate],
        ['end_date', 'text', (m) => m.endDate],
        ['start_reason', 'text', (m) => m.startReason],
        ['end_reason', 'text', (m) => m.endReason],
      ]);
      await tx.query(
        `INSERT INTO people_sources (name, checksum, persons) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, persons = EXCLUDED.persons, loaded_at = now()`,
        [source.name, source.checksum, data.persons.length],
      );
      return { status: 'loaded', ...counts };
    });
  }

  /** Reads the member tables back into the shape the resolver is built from. */
  async load(): Promise<PeopleData> {
    const [persons, names, memberships, organizations, posts] = await Promise.all([
      this.db.query<{ id: string; name: string; identifiers: Record<string, string> }>(
        'SELECT id, name, identifiers FROM persons ORDER BY id',
      ),
      this.db.query<Record<string, string | number | null>>(
        'SELECT * FROM person_names ORDER BY person_id, seq',
      ),
      this.db.query<Record<string, string | null>>('SELECT * FROM memberships ORDER BY id'),
      this.db.query<{ id: string; name: string; classification: string | null }>(
        'SELECT * FROM organizations ORDER BY id',
      ),
      this.db.query<{ id: string; organization_id: string | null; area: string | null; role: string | null }>(
        'SELECT * FROM posts ORDER BY id',
      ),
    ]);
    const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
    return {
      persons,
      organizations,
      posts: posts.map((p) => ({ id: p.id, organizationId: p.organization_id, area: p.area, role: p.role })),
      names: names.map((n) => ({
        personId: String(n.person_id),
        seq: Number(n.seq),
        note: s(n.note),
        display: String(n.display),
        givenName: s(n.given_name),
        familyName: s(n.family_name),
        honorificPrefix: s(n.honorific_prefix),
        lordName: s(n.lord_name),
        lordOfName: s(n.lord_of_name),
        startDate: s(n.start_date),
        endDate: s(n.end_date),
      })),
      memberships: memberships.map((m) => ({
        id: String(m.id),
        personId: String(m.person_id),
        partyId: m.party_id ?? null,
        postId: m.post_id ?? null,
        organizationId: m.organization_id ?? null,
        startDate: m.start_date ?? null,
        endDate: m.end_date ?? null,
        startReason: m.start_reason ?? null,
        endReason: m.end_reason ?? null,
      })),
    };
  }

  /** Up to `limit` stored speeches with a speaker or person id, after gid `after`, in gid order. */
  async speakersAfter(after: string, limit: number): Promise<StoredSpeaker[]> {
    return this.db.query<StoredSpeaker>(
      `SELECT gid, speaker_id, person_id, to_char(sitting_date, 'YYYY-MM-DD') AS d, membership_id, party, constituency,
              speaker_name, person_name, type
         FROM speeches WHERE gid > $1 AND (speaker_id IS NOT NULL OR person_id IS NOT NULL) ORDER BY gid LIMIT ${limit}`,
      [after],
    );
  }

  /** Writes the re-resolved speaker of each speech. */
  async setSpeakers(changed: { gid: string; who: Attribution | null }[]): Promise<void> {
    await this.db.query(
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
  }

  /** Up to `limit` stored votes with a member or person id, after (division gid, seq) `after`. */
  async votesAfter(after: [string, number], limit: number): Promise<StoredVote[]> {
    return this.db.query<StoredVote>(
      `SELECT v.division_gid, v.seq, v.member_id, v.person_id, to_char(d.sitting_date, 'YYYY-MM-DD') AS d,
              v.membership_id, v.person_name, v.party, v.constituency, d.type
         FROM votes v JOIN divisions d ON d.gid = v.division_gid
        WHERE (v.division_gid, v.seq) > ($1, $2) AND (v.member_id IS NOT NULL OR v.person_id IS NOT NULL)
        ORDER BY v.division_gid, v.seq LIMIT ${limit}`,
      after,
    );
  }

  /** Writes the re-resolved voter of each vote. */
  async setVoters(changed: { division_gid: string; seq: number; who: Attribution }[]): Promise<void> {
    await this.db.query(
      `UPDATE votes v SET person_id = u.person_id, membership_id = u.membership_id, person_name = u.person_name,
              party = u.party, constituency = u.constituency, house = u.house
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS u(division_gid, seq, person_id, membership_id, person_name, party, constituency, house)
        WHERE v.division_gid = u.division_gid AND v.seq = u.seq`,
      [
        changed.map((c) => c.division_gid),
        changed.map((c) => c.seq),
        changed.map((c) => c.who.personId),
        changed.map((c) => c.who.membershipId),
        changed.map((c) => c.who.name),
        changed.map((c) => c.who.party),
        changed.map((c) => c.who.constituency),
        changed.map((c) => c.who.house),
      ],
    );
  }

  /** Stored speeches by raw speaker id (person id only where there is none), name and day. */
  async speakerRefCounts(): Promise<SpeakerRefCount[]> {
    // Speeches keep the raw speakerid; their person_id is the raw one only where there is none.
    return this.db.query<SpeakerRefCount>(
      `SELECT speaker_id, CASE WHEN speaker_id IS NULL THEN person_id END AS person_id, speaker_name,
              to_char(sitting_date, 'YYYY-MM-DD') AS d, count(*)::int AS n
         FROM speeches WHERE speaker_id IS NOT NULL OR person_id IS NOT NULL
        GROUP BY 1, 2, 3, 4 ORDER BY 4`,
    );
  }

  /** Stored votes by raw member id (person id only where there is none) and day. */
  async voterRefCounts(): Promise<SpeakerRefCount[]> {
    return this.db.query<SpeakerRefCount>(
      `SELECT v.member_id AS speaker_id, CASE WHEN v.member_id IS NULL THEN v.person_id END AS person_id,
              NULL::text AS speaker_name, to_char(d.sitting_date, 'YYYY-MM-DD') AS d, count(*)::int AS n
         FROM votes v JOIN divisions d ON d.gid = v.division_gid
        WHERE v.member_id IS NOT NULL OR v.person_id IS NOT NULL
        GROUP BY 1, 2, 3, 4 ORDER BY 4`,
    );
  }
}
