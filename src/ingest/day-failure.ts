import type { Logger } from '../log.js';
import type { Queryable } from '../store/db.js';

/** The work that follows a day's commit, as named in `ingest_errors.field`. */
export type DayStage = 'search index' | 'tagging';

const QUEUES: Record<DayStage, string> = { 'search index': 'search_pending', tagging: 'tag_pending' };

/** A day whose indexing or tagging failed: recorded against its current file and taken off its queue. */
export interface DayFailure {
  stage: DayStage;
  groupKey: string;
  /** The day's current feed file, under which `hansard-watch errors` lists the failure. */
  file: string;
  message: string;
}

// SQLSTATE classes that say nothing about the day: connection lost (08), serialization or
// deadlock (40), disk full or too many connections (53100, 53300), cancelled or shut down (57).
const RETRYABLE = /^(08|40|531|533|57)/;

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/**
 * Runs one day's work in a savepoint of the caller's transaction. When the work fails but
 * the connection still answers (the savepoint rolls back), the fault lies with the day —
 * a paragraph Postgres cannot index, a tagger error — and is returned for the caller to
 * record, so that one bad day cannot fail every later run. Errors that say nothing about
 * the day (connection, deadlock, shutdown) are thrown, leaving the day queued.
 */
export async function dayWork<T>(
  tx: Queryable,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; fault: unknown }> {
  await tx.query('SAVEPOINT day_work');
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    const code = sqlState(err);
    if (code !== undefined && RETRYABLE.test(code)) throw err;
    try {
      await tx.query('ROLLBACK TO SAVEPOINT day_work');
    } catch {
      throw err;
    }
    return { ok: false, fault: err };
  }
}

/**
 * Takes a failed day off its queue and records the failure in `ingest_errors` under the
 * day's current file (in the caller's transaction, so both happen or neither). The day
 * comes back when a new version is ingested, `hansard-watch repair days` queues it again,
 * or `repair text` re-ingests it.
 */
export async function recordDayFailure(
  tx: Queryable,
  stage: DayStage,
  groupKey: string,
  err: unknown,
  log?: Logger,
): Promise<DayFailure> {
  const message = `${stage} of day ${groupKey} failed: ${messageOf(err)}`;
  const [row] = await tx.query<{ file: string }>(
    `WITH dequeued AS (DELETE FROM ${QUEUES[stage]} WHERE group_key = $1)
     INSERT INTO ingest_errors (file_name, severity, field, message)
     SELECT coalesce((SELECT current_file FROM sittings WHERE group_key = $1), $1), 'error', $2, $3
     RETURNING file_name AS file`,
    [groupKey, stage, message],
  );
  const failure: DayFailure = { stage, groupKey, file: row?.file ?? groupKey, message };
  log?.error({ file: failure.file, day: groupKey, stage, err: messageOf(err) }, `${stage} failed`);
  return failure;
}

/**
 * A CTE closing a day's open failures of `stage` (`$1` is the group key): put in front of
 * the statement that takes a done day off its queue, it costs no round trip of its own.
 */
export function resolveDayFailures(stage: DayStage): string {
  return `WITH resolved AS (
     UPDATE ingest_errors SET resolved_at = now()
      WHERE resolved_at IS NULL AND field = '${stage}'
        AND file_name IN (SELECT name FROM feed_files WHERE group_key = $1))`;
}

/**
 * Queues again the days whose indexing or tagging failed, for `hansard-watch repair days`
 * (after the cause is fixed: a limit raised, Postgres given memory). Their failures are
 * closed; a day that fails again is recorded afresh. Returns the days queued per stage.
 */
export async function requeueFailedDays(db: Queryable): Promise<Record<DayStage, number>> {
  const out: Record<DayStage, number> = { 'search index': 0, tagging: 0 };
  for (const stage of Object.keys(QUEUES) as DayStage[]) {
    const rows = await db.query<{ group_key: string }>(
      `WITH failed AS (
         UPDATE ingest_errors e SET resolved_at = now() FROM feed_files f
          WHERE f.name = e.file_name AND e.resolved_at IS NULL AND e.field = $1
          RETURNING f.group_key)
       INSERT INTO ${QUEUES[stage]} (group_key) SELECT DISTINCT group_key FROM failed
       ON CONFLICT DO NOTHING RETURNING group_key`,
      [stage],
    );
    out[stage] = rows.length;
  }
  return out;
}
