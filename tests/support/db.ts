import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

/** The machine's real Postgres (DEVELOPERS.md): tests never mock it. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type StoreKind = 'postgres' | 'pglite';

/**
 * A migrated store of its own for one test: a fresh schema on the real server (dropped on
 * close), or an in-memory PGlite. Both run the same SQL, which is the point of testing both.
 */
export async function freshStore(kind: StoreKind): Promise<Db & { schema: string }> {
  const schema = `hw_test_${randomBytes(6).toString('hex')}`;
  const db =
    kind === 'postgres'
      ? await openDb({ databaseUrl: testDatabaseUrl, schema, poolSize: 4 })
      : await openDb({ dataDir: 'memory://' });
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    schema,
    async close() {
      await close();
      if (kind === 'postgres') {
        const admin = new pg.Client({ connectionString: testDatabaseUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    },
  });
}

/** A fresh store per call within a describe block, all closed (and dropped) after each test. */
export function storePerTest(kind: StoreKind): () => Promise<Db & { schema: string }> {
  const open: Db[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
  });
  return async () => {
    const db = await freshStore(kind);
    open.push(db);
    return db;
  };
}

/** Columns that record when, not what: excluded when comparing two stores' contents. */
const VOLATILE: Record<string, string[]> = {
  feed_files: ['ingested_at'],
  ingest_errors: ['id', 'created_at', 'resolved_at'],
  people_sources: ['loaded_at'],
  search_pending: ['queued_at'],
};

export const CONTENT_TABLES = [
  'feed_files',
  'sittings',
  'headings',
  'speeches',
  'paragraphs',
  'paragraph_search',
  'search_pending',
  'divisions',
  'votes',
  'speech_translations',
  'gid_redirects',
  'persons',
  'person_names',
  'memberships',
  'organizations',
  'posts',
  'ingest_errors',
];

/** An order-independent digest per table: equal digests mean equal rows. */
export async function storeDigest(
  db: Db,
  opts: { ignoreVolatile?: boolean } = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of CONTENT_TABLES) {
    const drop = opts.ignoreVolatile === false ? [] : (VOLATILE[table] ?? []);
    const cols = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
      [table],
    );
    const keep = cols.map((c) => c.column_name).filter((c) => !drop.includes(c));
    const rows = await db.query<{ n: number; d: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(r, '|' ORDER BY r)) AS d FROM (SELECT row(${keep.join(', ')})::text AS r FROM ${table}) x`,
    );
    out[table] = `${rows[0]?.n}:${rows[0]?.d}`;
  }
  return out;
}
