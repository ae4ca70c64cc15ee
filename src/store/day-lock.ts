/**
 * Day locks: the writer of a day (the ingest SQL functions, migration 010) holds the
 * transaction-scoped advisory lock on the day's group key while it replaces the day.
 */
import type { Queryable } from './db.js';

/**
 * The day lock the writer holds while replacing a day. Indexers and taggers only *try* it,
 * after locking their queue row: waiting would deadlock against a writer that is waiting
 * for that same queue row. They take it shared: they must keep the writer out, not each
 * other (they write different tables, and each holds its own queue row), so a batch can
 * index and tag the same day at once.
 */
export async function tryLockDay(tx: Queryable, groupKey: string): Promise<boolean> {
  const [row] = await tx.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_xact_lock_shared(hashtext($1)) AS ok',
    [groupKey],
  );
  return row?.ok === true;
}
