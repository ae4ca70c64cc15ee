import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { dayWork, recordDayFailure, resolveDayFailures, type DayFailure } from './day-failure.js';
import { tryLockDay } from '../store/day-lock.js';
import {
  searchVector,
  STEMMER_PROBE,
  UNICODE_PUNCTUATION,
  type SearchVectorSettings,
} from './search-vector.js';

const SETTINGS = new WeakMap<Db, Promise<SearchVectorSettings | null>>();

/**
 * How this store's text-search parser reads the punctuation search-vector.ts may treat as
 * blanks (it depends on the server's locale), asked once per store: each candidate is kept
 * only if `x<c>y` gives the same vector as `x y`. Null when the store's Snowball stemmer is
 * not the one search-vector.ts uses (releases differ: Postgres 15 stems "added" to "ad",
 * PGlite's Postgres 17 to "add"); the indexer then computes every vector, as before.
 */
export function searchVectorSettings(db: Db): Promise<SearchVectorSettings | null> {
  let settings = SETTINGS.get(db);
  if (!settings) {
    settings = probeSettings(db);
    // A store that did not answer is asked again next time.
    settings.catch(() => SETTINGS.delete(db));
    SETTINGS.set(db, settings);
  }
  return settings;
}

async function probeSettings(db: Db): Promise<SearchVectorSettings | null> {
  const [stems] = await db.query<{ theirs: string }>(`SELECT to_tsvector('english', $1)::text AS theirs`, [
    STEMMER_PROBE,
  ]);
  const ours = searchVector(STEMMER_PROBE);
  const [same] = await db.query<{ ok: boolean }>('SELECT $1::tsvector = $2::tsvector AS ok', [
    ours,
    stems?.theirs ?? '',
  ]);
  if (!same?.ok) return null;
  const rows = await db.query<{ c: string }>(
    `SELECT c FROM unnest($1::text[]) c WHERE to_tsvector('english', 'x' || c || 'y') = to_tsvector('english', 'x y')`,
    [UNICODE_PUNCTUATION],
  );
  return { blanks: rows.map((r) => r.c).join('') };
}

/** A queued day being rewritten right now: come back to it in a moment. */
const BUSY = { groupKey: '', paragraphs: 0, busy: true } as const;

export interface IndexedDay {
  groupKey: string;
  paragraphs: number;
  busy?: boolean;
  /** The day could not be indexed: recorded in ingest_errors and taken off the queue. */
  failed?: DayFailure;
}

/**
 * Gives one queued day's paragraphs their full-text vectors, in one transaction: those the
 * ingest did not write itself (search-vector.ts leaves uncertain text to Postgres). SKIP
 * LOCKED lets several indexers (connections, processes) share the queue without waiting
 * on each other or on a day being written. Returns the day indexed, or null when none waits.
 * A day Postgres cannot index (a paragraph too large for a tsvector, say) is recorded as
 * failed and dequeued, so it cannot stop the days behind it or every later run.
 */
export async function indexNextDay(db: Db, log?: Logger): Promise<IndexedDay | null> {
  return db.transaction(async (tx) => {
    const [next] = await tx.query<{ group_key: string }>(
      'SELECT group_key FROM search_pending ORDER BY queued_at LIMIT 1 FOR UPDATE SKIP LOCKED',
    );
    if (!next) return null;
    const groupKey = next.group_key;
    if (!(await tryLockDay(tx, groupKey))) return BUSY;
    const done = await dayWork(tx, () =>
      tx.query<{ n: number }>(
        `WITH added AS (
           INSERT INTO paragraph_search (speech_gid, seq, sitting_date, tsv)
           SELECT p.speech_gid, p.seq, s.sitting_date, to_tsvector('english', p.body)
             FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid
            WHERE s.group_key = $1
              AND NOT EXISTS (SELECT 1 FROM paragraph_search ps WHERE ps.speech_gid = p.speech_gid AND ps.seq = p.seq)
           ON CONFLICT (speech_gid, seq) DO UPDATE SET tsv = EXCLUDED.tsv, sitting_date = EXCLUDED.sitting_date
           RETURNING 1)
         SELECT count(*)::int AS n FROM added`,
        [groupKey],
      ),
    );
    if (!done.ok)
      return {
        groupKey,
        paragraphs: 0,
        failed: await recordDayFailure(tx, 'search index', groupKey, done.fault, log),
      };
    await tx.query(`${resolveDayFailures('search index')} DELETE FROM search_pending WHERE group_key = $1`, [
      groupKey,
    ]);
    return { groupKey, paragraphs: done.value[0]?.n ?? 0 };
  });
}

export interface IndexOptions {
  log?: Logger | undefined;
  /** Told of each day that could not be indexed (already recorded and dequeued). */
  onFailure?: ((failure: DayFailure) => void) | undefined;
}

/** Indexes queued days until none is left, with `parallel` indexers; returns the paragraphs indexed. */
export async function indexPendingDays(db: Db, parallel = 1, opts: IndexOptions = {}): Promise<number> {
  const drain = async () => {
    let total = 0;
    for (let day = await indexNextDay(db, opts.log); day; day = await indexNextDay(db, opts.log)) {
      total += day.paragraphs;
      if (day.failed) opts.onFailure?.(day.failed);
      if (day.busy) await new Promise((r) => setTimeout(r, 50));
    }
    return total;
  };
  const totals = await Promise.all(Array.from({ length: parallel }, drain));
  return totals.reduce((a, b) => a + b, 0);
}
