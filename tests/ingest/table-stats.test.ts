/**
 * A batch analyses the tables its per-day reads plan from once it has grown them
 * (src/ingest/table-stats.ts), and leaves them alone after a small batch.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { analyzeAfterBatch, vacuumAfterBackfill } from '../../src/ingest/table-stats.js';
import type { Queryable } from '../../src/store/db.js';
import { storePerTest, testDatabaseUrl } from '../support/db.js';

/** Runs `body` while another session holds `lock` on a table of the schema, in an open transaction. */
async function whileLocked<T>(schema: string, lock: string, body: () => Promise<T>): Promise<T> {
  const other = new pg.Client({ connectionString: testDatabaseUrl });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(`LOCK TABLE ${schema}.${lock}`);
    return await body();
  } finally {
    await other.query('ROLLBACK').catch(() => undefined);
    await other.end();
  }
}

/** `table reltuples` per table, by name: -1 until the table was first analysed or vacuumed. */
async function rowEstimates(db: Queryable, tables: string[]): Promise<string[]> {
  const rows = await db.query<{ relname: string; n: number }>(
    `SELECT relname, reltuples::int AS n FROM pg_class
      WHERE oid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) AS t) ORDER BY relname`,
    [tables],
  );
  return rows.map((r) => `${r.relname} ${r.n}`);
}

describe('statistics after a batch commit', () => {
  const store = storePerTest('postgres');

  it('analyses speeches and paragraphs past autovacuum’s threshold, not before', async () => {
    const db = await store();
    const analysed = () => rowEstimates(db, ['speeches', 'paragraphs']);
    // Never analysed: reltuples is -1 (Postgres 14 on).
    expect(await analysed()).toEqual(['paragraphs -1', 'speeches -1']);
    expect(await analyzeAfterBatch(db, 50)).toBe(false);
    expect(await analysed()).toEqual(['paragraphs -1', 'speeches -1']);
    expect(await analyzeAfterBatch(db, 51)).toBe(true);
    expect(await analysed()).toEqual(['paragraphs 0', 'speeches 0']);
  });

  it('gives up on the statistics, not the batch, when another session holds the table', async () => {
    const db = await store();
    // SHARE UPDATE EXCLUSIVE is what a running VACUUM or CREATE INDEX CONCURRENTLY holds.
    const result = await whileLocked(db.schema, 'paragraphs IN SHARE UPDATE EXCLUSIVE MODE', () =>
      analyzeAfterBatch(db, 1000),
    );
    expect(result).toBe(false);
    expect(await analyzeAfterBatch(db, 1000)).toBe(true);
  }, 30_000);

  it('vacuums every table of the schema after a backfill, and leaves out one held elsewhere without failing', async () => {
    const db = await store();
    const analysed = () => rowEstimates(db, ['speeches', 'paragraph_search']);
    expect(await analysed()).toEqual(['paragraph_search -1', 'speeches -1']);
    const seconds = await whileLocked(db.schema, 'speeches IN SHARE UPDATE EXCLUSIVE MODE', () =>
      vacuumAfterBackfill(db, undefined, { lockWaitMs: 300 }),
    );
    expect(seconds).toBeGreaterThan(0);
    expect(await analysed()).toEqual(['paragraph_search 0', 'speeches -1']);
    await vacuumAfterBackfill(db);
    expect(await analysed()).toEqual(['paragraph_search 0', 'speeches 0']);
  }, 30_000);
});
