import type { Db, Queryable } from '../store/db.js';
import type { PeopleData } from './types.js';

export interface MemberLoadResult {
  status: 'loaded' | 'unchanged';
  persons: number;
  memberships: number;
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
}
