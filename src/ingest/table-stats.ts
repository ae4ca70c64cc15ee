/**
 * Fresh planner statistics after a batch commit. The indexer and the tagger read each day
 * through a join of `speeches` (by group_key) and `paragraphs` (search-index.ts,
 * tag/tag-repository.ts). Right after a bulk load, before autovacuum has analysed the
 * tables, the planner misjudges that join and reads each day with a parallel sequential scan
 * of `paragraphs`: measured on 100 MB of replicated XML (docs/operations.md) 27 ms a day
 * instead of 0.13 ms after ANALYZE, 7.7 s of the tagging stage's SQL, and growing with the
 * table; the indexer's per-day statement likewise.
 */
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';

/**
 * ANALYZEs speeches and paragraphs when the batch wrote more speeches than autovacuum's own
 * threshold (50 + 10% of the rows counted at the last analyse), now rather than whenever
 * autovacuum gets there. The batch's own count decides, not the statistics views, which
 * other connections update only after a delay. ANALYZE samples a fixed number of rows, so
 * it costs a fraction of a second however large the tables. Returns whether it ran.
 */
export async function analyzeAfterBatch(db: Db, speechesWritten: number, log?: Logger): Promise<boolean> {
  if (db.kind !== 'postgres') return false; // an embedded store holds one small batch at a time
  const [row] = await db.query<{ n: number }>(
    `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass('speeches')`,
  );
  if (speechesWritten <= 50 + 0.1 * Number(row?.n ?? 0)) return false;
  const started = performance.now();
  await db.query('ANALYZE speeches, paragraphs');
  log?.debug(
    { speechesWritten, ms: Math.round(performance.now() - started) },
    'analysed after the batch commit',
  );
  return true;
}
