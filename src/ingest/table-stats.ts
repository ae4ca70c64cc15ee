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
  try {
    // A VACUUM or index build holding the tables must not hold up, let alone fail, a batch
    // whose rows are already committed: statistics are an optimisation, so give up quickly.
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '${ANALYZE_LOCK_WAIT}'`);
      await tx.query('ANALYZE speeches, paragraphs');
    });
  } catch (err) {
    log?.warn(
      { err, speechesWritten },
      'could not analyse after the batch commit; indexing and tagging go on',
    );
    return false;
  }
  log?.debug(
    { speechesWritten, ms: Math.round(performance.now() - started) },
    'analysed after the batch commit',
  );
  return true;
}

const ANALYZE_LOCK_WAIT = '5s';

/**
 * VACUUM (ANALYZE) every table of the store's schema once a backfill has loaded it. Without
 * it a freshly loaded store answers slowly until autovacuum catches up (which may be never:
 * it can be off, and insert-only tables wait for its insert threshold): the search table
 * had no statistics and no visibility map after the 2M-speech archive load, and search p95
 * at one client was 115 ms instead of the store's usual tens (docs/operations.md, "The whole
 * archive"). VACUUM skips pages already all-visible, so re-running it on a store that was
 * loaded before costs little. Returns the seconds it took, or null on the embedded store
 * (one small batch at a time; PGlite's own maintenance suffices).
 */
export async function vacuumAfterBackfill(
  db: Db,
  log?: Logger,
  { lockWaitMs = 30_000 }: { lockWaitMs?: number } = {},
): Promise<number | null> {
  if (db.kind !== 'postgres') return null;
  const started = performance.now();
  const tables = await db.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, relname) AS name FROM pg_stat_user_tables
      WHERE schemaname = current_schema() ORDER BY relname`,
  );
  // One statement per table, so each table's lock is held only while it is vacuumed. A
  // failure (a lock held elsewhere, a cancelled statement) loses no data: it is logged
  // with the command to run later, and the other tables are still done.
  for (const { name } of tables) {
    try {
      await db.maintenance(`VACUUM (ANALYZE) ${name}`, { lockTimeoutMs: lockWaitMs });
    } catch (err) {
      log?.warn({ err, table: name }, `could not vacuum ${name}; run VACUUM (ANALYZE) ${name} later`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  log?.info({ tables: tables.length, seconds: Math.round(seconds * 10) / 10 }, 'vacuumed after the backfill');
  return seconds;
}
