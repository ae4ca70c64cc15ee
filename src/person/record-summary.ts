/**
 * Keeps person_day_speeches and person_day_tags (migrations/004_web.sql), and their sums
 * per month (person_month_*, migration 014), in step with the speeches and their tags.
 * Triggers queue every changed sitting day in record_pending; this rebuilds the queued
 * days from the speeches, a chunk of days per transaction, under
 * an advisory lock so that two servers never rebuild at once. A short queue (a new day
 * ingested or tagged) is rebuilt inline by the first record read after it; a long one (a
 * new people.json re-resolves every speech) in the background, reads meanwhile counting
 * from the speeches directly.
 */
import type { Db, Queryable } from '../store/db.js';
import { DEFAULT_MIN_CONFIDENCE } from '../tag/types.js';

/** Tag counts in the summary are at this confidence; other thresholds are counted live. */
export const SUMMARY_MIN_CONFIDENCE = DEFAULT_MIN_CONFIDENCE;

/** Days rebuilt per transaction (a day is a few thousand speeches at most). */
const CHUNK_DAYS = 100;

export interface RecordSummaryOptions {
  /** Largest queue rebuilt inline by a reader (default one chunk). */
  inlineDays?: number;
  onError?: (err: unknown) => void;
}

export class RecordSummary {
  private background: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly opts: RecordSummaryOptions = {},
  ) {}

  /** True when the summary holds every change (after rebuilding a short queue if need be). */
  async ensureFresh(): Promise<boolean> {
    // Asked on every record read: the usual empty queue is answered without counting it.
    const [row] = await this.db.query<{ n: number }>(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM record_pending)
                   THEN (SELECT count(*)::int FROM (SELECT DISTINCT sitting_date FROM record_pending) d) ELSE 0 END AS n`,
    );
    const queued = row?.n ?? 0;
    if (queued === 0) return true;
    if (queued > (this.opts.inlineDays ?? CHUNK_DAYS)) {
      this.refreshInBackground();
      return false;
    }
    return (await this.refreshChunk()) !== null;
  }

  /** Rebuilds until the queue is empty; resolves with the days rebuilt. */
  async refreshAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const days = await this.refreshChunk();
      if (days === null) throw new Error('another process is rebuilding the speaking-record summary');
      if (days === 0) return total;
      total += days;
    }
  }

  private refreshInBackground(): void {
    if (this.background) return;
    this.background = this.refreshAll()
      .then(() => undefined)
      .catch((err: unknown) => this.opts.onError?.(err))
      .finally(() => (this.background = null));
  }

  /** One chunk of queued days; null when another session holds the lock, 0 when nothing waits. */
  private refreshChunk(): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('hansard-watch:record-summary')) AS ok`,
      );
      if (!lock?.ok) return null;
      const days = (
        await tx.query<{ d: string }>(
          `WITH chunk AS (SELECT DISTINCT sitting_date FROM record_pending ORDER BY sitting_date LIMIT ${CHUNK_DAYS}),
                taken AS (DELETE FROM record_pending WHERE sitting_date IN (SELECT sitting_date FROM chunk) RETURNING sitting_date)
           SELECT DISTINCT sitting_date::text AS d FROM taken`,
        )
      ).map((r) => r.d);
      if (days.length > 0) await rebuildDays(tx, days);
      return days.length;
    });
  }
}

async function rebuildDays(tx: Queryable, days: string[]): Promise<void> {
  await tx.query('DELETE FROM person_day_speeches WHERE sitting_date = ANY($1::date[])', [days]);
  await tx.query('DELETE FROM person_day_tags WHERE sitting_date = ANY($1::date[])', [days]);
  await tx.query(
    `INSERT INTO person_day_speeches (person_id, sitting_date, house, type, speeches)
     SELECT person_id, sitting_date, COALESCE(house, ''), type, count(*)
       FROM speeches WHERE sitting_date = ANY($1::date[]) AND person_id IS NOT NULL
      GROUP BY 1, 2, 3, 4`,
    [days],
  );
  await tx.query(
    `INSERT INTO person_day_tags (person_id, sitting_date, tag, speeches)
     SELECT s.person_id, s.sitting_date, COALESCE(t.tag, '*'), count(DISTINCT s.gid)
       FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
      WHERE s.sitting_date = ANY($1::date[]) AND s.person_id IS NOT NULL AND t.confidence >= $2::real
      GROUP BY GROUPING SETS ((s.person_id, s.sitting_date, t.tag), (s.person_id, s.sitting_date))`,
    [days, SUMMARY_MIN_CONFIDENCE],
  );
  await rebuildMonths(tx, days);
}

/** The months holding `days`, summed again from their day rows (all of each month's days). */
async function rebuildMonths(tx: Queryable, days: string[]): Promise<void> {
  const months = `(SELECT DISTINCT date_trunc('month', d)::date AS m FROM unnest($1::date[]) AS d)`;
  // Each month's days by the date index: sitting_date in [m, m + 1 month).
  const inMonth = `d.sitting_date >= mm.m AND d.sitting_date < (mm.m + interval '1 month')::date`;
  await tx.query(`DELETE FROM person_month_speeches WHERE month IN (SELECT m FROM ${months} x)`, [days]);
  await tx.query(`DELETE FROM person_month_tags WHERE month IN (SELECT m FROM ${months} x)`, [days]);
  await tx.query(
    `INSERT INTO person_month_speeches (person_id, month, house, type, speeches, first_date, last_date)
     SELECT d.person_id, mm.m, d.house, d.type, sum(d.speeches), min(d.sitting_date), max(d.sitting_date)
       FROM ${months} mm JOIN person_day_speeches d ON ${inMonth}
      GROUP BY 1, 2, 3, 4`,
    [days],
  );
  await tx.query(
    `INSERT INTO person_month_tags (person_id, month, tag, speeches)
     SELECT d.person_id, mm.m, d.tag, sum(d.speeches)
       FROM ${months} mm JOIN person_day_tags d ON ${inMonth}
      GROUP BY 1, 2, 3`,
    [days],
  );
}
