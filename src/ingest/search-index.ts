import type { Db } from '../store/db.js';
import { tryLockDay } from './sitting-repository.js';

/** A queued day being rewritten right now: come back to it in a moment. */
const BUSY = { groupKey: '', paragraphs: 0, busy: true } as const;

/**
 * Gives one queued day's paragraphs their full-text vectors, in one transaction. SKIP
 * LOCKED lets several indexers (connections, processes) share the queue without waiting
 * on each other or on a day being written. Returns the day indexed, or null when none waits.
 */
export async function indexNextDay(
  db: Db,
): Promise<{ groupKey: string; paragraphs: number; busy?: boolean } | null> {
  return db.transaction(async (tx) => {
    const [next] = await tx.query<{ group_key: string }>(
      'SELECT group_key FROM search_pending ORDER BY queued_at LIMIT 1 FOR UPDATE SKIP LOCKED',
    );
    if (!next) return null;
    if (!(await tryLockDay(tx, next.group_key))) return BUSY;
    const rows = await tx.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO paragraph_search (speech_gid, seq, sitting_date, tsv)
         SELECT p.speech_gid, p.seq, s.sitting_date, to_tsvector('english', p.body)
           FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid
          WHERE s.group_key = $1
         ON CONFLICT (speech_gid, seq) DO UPDATE SET tsv = EXCLUDED.tsv, sitting_date = EXCLUDED.sitting_date
         RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
      [next.group_key],
    );
    await tx.query('DELETE FROM search_pending WHERE group_key = $1', [next.group_key]);
    return { groupKey: next.group_key, paragraphs: rows[0]?.n ?? 0 };
  });
}

/** Indexes queued days until none is left, with `parallel` indexers; returns the paragraphs indexed. */
export async function indexPendingDays(db: Db, parallel = 1): Promise<number> {
  const drain = async () => {
    let total = 0;
    for (let day = await indexNextDay(db); day; day = await indexNextDay(db)) {
      total += day.paragraphs;
      if (day.busy) await new Promise((r) => setTimeout(r, 50));
    }
    return total;
  };
  const totals = await Promise.all(Array.from({ length: parallel }, drain));
  return totals.reduce((a, b) => a + b, 0);
}
