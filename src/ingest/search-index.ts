import type { Queryable } from '../store/db.js';

const BATCH = 2000;

/**
 * Fills `paragraphs.tsv` for rows committed without it, in small transactions. SKIP LOCKED
 * means it never waits on a file being written, so it can run beside ingest on its own
 * connection (and core) without deadlocking against a day being replaced.
 * Returns how many paragraphs it indexed.
 */
export async function indexPendingParagraphs(
  db: Queryable,
  opts: { batch?: number; signal?: AbortSignal } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    if (opts.signal?.aborted) return total;
    const rows = await db.query<{ n: number }>(
      `WITH todo AS (
         SELECT speech_gid, seq FROM paragraphs WHERE tsv IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE paragraphs p SET tsv = to_tsvector('english', p.body)
         FROM todo WHERE p.speech_gid = todo.speech_gid AND p.seq = todo.seq
       RETURNING 1 AS n`,
      [opts.batch ?? BATCH],
    );
    total += rows.length;
    if (rows.length === 0) return total;
  }
}

/**
 * Keeps indexing until `stop()` is called and then drains what is left: used while a batch
 * ingests, so indexing overlaps with writing instead of following it.
 */
export function startSearchIndexer(db: Queryable, idleMs = 50): { stop(): Promise<number> } {
  let stopping = false;
  let total = 0;
  const loop = (async () => {
    while (!stopping) {
      const n = await indexPendingParagraphs(db);
      total += n;
      if (n === 0) await new Promise((r) => setTimeout(r, idleMs));
    }
    total += await indexPendingParagraphs(db);
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return total;
    },
  };
}
