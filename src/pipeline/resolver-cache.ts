/**
 * The speaker resolver for ingest jobs, rebuilt only when the stored people.json changes.
 * Building it reads every member row, far too slow to repeat per file; checking whether
 * it is stale is one small query.
 */
import { MemberRepository } from '../member/member-repository.js';
import { MemberResolver } from '../member/resolve.js';
import type { Db } from '../store/db.js';

export class ResolverCache {
  private key: string | undefined;
  private resolver: MemberResolver | null = null;
  private loading: Promise<MemberResolver | null> | undefined;

  constructor(private readonly db: Db) {}

  async current(): Promise<MemberResolver | null> {
    const rows = await this.db.query<{ k: string | null }>(
      `SELECT string_agg(name || '=' || checksum || '@' || loaded_at::text, ',' ORDER BY name) AS k FROM people_sources`,
    );
    const key = rows[0]?.k ?? '';
    if (key === this.key) return this.resolver;
    // Concurrent jobs share one rebuild.
    this.loading ??= this.build(key).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async build(key: string): Promise<MemberResolver | null> {
    const people = await new MemberRepository(this.db).load();
    this.resolver = people.persons.length > 0 ? new MemberResolver(people) : null;
    this.key = key;
    return this.resolver;
  }
}
