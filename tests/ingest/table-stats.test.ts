/**
 * A batch analyses the tables its per-day reads plan from once it has grown them
 * (src/ingest/table-stats.ts), and leaves them alone after a small batch.
 */
import { describe, expect, it } from 'vitest';
import { analyzeAfterBatch } from '../../src/ingest/table-stats.js';
import { storePerTest } from '../support/db.js';

describe('statistics after a batch commit', () => {
  const store = storePerTest('postgres');

  it('analyses speeches and paragraphs past autovacuum’s threshold, not before', async () => {
    const db = await store();
    const analysed = async () =>
      (
        await db.query<{ relname: string; n: number }>(
          `SELECT relname, reltuples::int AS n FROM pg_class
            WHERE oid IN (to_regclass('speeches'), to_regclass('paragraphs')) ORDER BY relname`,
        )
      ).map((r) => `${r.relname} ${r.n}`);
    // Never analysed: reltuples is -1 (Postgres 14 on).
    expect(await analysed()).toEqual(['paragraphs -1', 'speeches -1']);
    expect(await analyzeAfterBatch(db, 50)).toBe(false);
    expect(await analysed()).toEqual(['paragraphs -1', 'speeches -1']);
    expect(await analyzeAfterBatch(db, 51)).toBe(true);
    expect(await analysed()).toEqual(['paragraphs 0', 'speeches 0']);
  });
});
