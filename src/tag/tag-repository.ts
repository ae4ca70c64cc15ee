import { resolveDayFailures } from '../ingest/day-failure.js';
import type { Db, Queryable } from '../store/db.js';
import type { SpeechTagging } from './types.js';

export interface DayParagraph {
  speech_gid: string;
  seq: number;
  pid: string | null;
  body: string;
}

/** Tag rows of one day, as stored: the store side of tagging. */
export class TagRepository {
  constructor(private readonly db: Db) {}

  /** Whether any day waits to be tagged. */
  async anyDayQueued(): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM tag_pending LIMIT 1')).length > 0;
  }

  /** Takes the oldest queued day, locked so that parallel taggers each take a different one. */
  async claimDay(tx: Queryable): Promise<string | null> {
    const [next] = await tx.query<{ group_key: string }>(
      'SELECT group_key FROM tag_pending ORDER BY queued_at LIMIT 1 FOR UPDATE SKIP LOCKED',
    );
    return next?.group_key ?? null;
  }

  async dayParagraphs(tx: Queryable, groupKey: string): Promise<DayParagraph[]> {
    return tx.query<DayParagraph>(
      `SELECT p.speech_gid, p.seq, p.pid, p.body FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid
        WHERE s.group_key = $1 ORDER BY s.seq, p.seq`,
      [groupKey],
    );
  }

  /** `gid|tag` for every speech tag of the day (restricted to `only` when given). */
  async daySpeechTags(tx: Queryable, groupKey: string, only: string[] | null): Promise<Set<string>> {
    const rows = await tx.query<{ k: string }>(
      `SELECT t.speech_gid || '|' || t.tag AS k FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
        WHERE s.group_key = $1 AND ($2::text[] IS NULL OR t.tag = ANY($2))`,
      [groupKey, only],
    );
    return new Set(rows.map((r) => r.k));
  }

  /** Replaces the day's tags (all, or only the tags in `only`) with `tagged`. */
  async replaceDay(
    tx: Queryable,
    groupKey: string,
    tagged: Map<string, SpeechTagging>,
    modelVersion: string,
    only: string[] | null,
  ): Promise<void> {
    for (const table of ['paragraph_tags', 'speech_tags']) {
      await tx.query(
        `DELETE FROM ${table} t USING speeches s WHERE s.gid = t.speech_gid AND s.group_key = $1
           AND ($2::text[] IS NULL OR t.tag = ANY($2))`,
        [groupKey, only],
      );
    }
    const keep = (tag: string) => only === null || only.includes(tag);
    const para: unknown[][] = [[], [], [], [], [], [], []];
    const speech: unknown[][] = [[], [], [], [], [], []];
    for (const [gid, t] of tagged) {
      for (const p of t.paragraphs) {
        for (const tag of p.tags.filter((x) => keep(x.tag))) {
          [
            gid,
            p.seq,
            tag.tag,
            tag.confidence,
            tag.method,
            JSON.stringify(tag.evidence),
            modelVersion,
          ].forEach((v, i) => para[i]!.push(v));
        }
      }
      for (const tag of t.speech.filter((x) => keep(x.tag))) {
        [gid, tag.tag, tag.confidence, tag.method, JSON.stringify(tag.paragraphs), modelVersion].forEach(
          (v, i) => speech[i]!.push(v),
        );
      }
    }
    const cols = (names: string[], types: string[]) =>
      names.map((n, i) => [n, types[i]!] as [string, string]);
    await tx.copyColumns(
      'paragraph_tags',
      cols(
        ['speech_gid', 'seq', 'tag', 'confidence', 'method', 'evidence', 'model_version'],
        ['text', 'int4', 'text', 'float4', 'text', 'jsonb', 'text'],
      ),
      para,
    );
    await tx.copyColumns(
      'speech_tags',
      cols(
        ['speech_gid', 'tag', 'confidence', 'method', 'evidence', 'model_version'],
        ['text', 'text', 'float4', 'text', 'jsonb', 'text'],
      ),
      speech,
    );
  }

  /** Takes a tagged day off the queue, closing its earlier tagging failures in the same statement. */
  async finishDay(tx: Queryable, groupKey: string): Promise<void> {
    await tx.query(`${resolveDayFailures('tagging')} DELETE FROM tag_pending WHERE group_key = $1`, [
      groupKey,
    ]);
  }

  /** Queues stored days for re-tagging; returns how many. */
  async queueDays(since: string | null): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO tag_pending (group_key)
       SELECT group_key FROM sittings WHERE $1::date IS NULL OR sitting_date >= $1::date
       ON CONFLICT DO NOTHING RETURNING 1`,
      [since],
    );
    return rows.length;
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tag_pending');
    return row?.n ?? 0;
  }
}
