import { compareVersions } from '../debate/feed-file.js';
import type { ParseIssue } from '../debate/types.js';
import type { Db, Queryable } from '../store/db.js';
import type { PreparedFile } from './rows.js';

export type ApplyStatus =
  /** Same name and checksum as already stored: nothing written. */
  | 'unchanged'
  /** This version is now the day's content. */
  | 'current'
  /** An older version than the one stored: only its gid redirects were recorded. */
  | 'superseded';

export interface ApplyResult {
  status: ApplyStatus;
  /** Speeches that are new or whose content changed compared with the day's previous version. */
  changedSpeechGids: string[];
  removedSpeeches: number;
}

/**
 * A file's redirects go in with plain COPY, several times cheaper than an upsert. Only a
 * gid already redirected by another file (a chain rewritten) collides; then the batch is
 * staged and merged, and the latest file's word on that gid wins.
 */
async function writeRedirects(tx: Queryable, redirects: PreparedFile['redirects']): Promise<void> {
  if (redirects.rows === 0) return;
  const { columns, data } = redirects;
  await tx.query('SAVEPOINT redirects');
  try {
    await tx.copyText('gid_redirects', columns, data);
    await tx.query('RELEASE SAVEPOINT redirects');
    return;
  } catch (err) {
    if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    await tx.query('ROLLBACK TO SAVEPOINT redirects');
  }
  await tx.query(
    'CREATE TEMP TABLE IF NOT EXISTS gid_redirects_in (LIKE gid_redirects) ON COMMIT DELETE ROWS',
  );
  await tx.copyText('gid_redirects_in', columns, data);
  await tx.query(
    `INSERT INTO gid_redirects (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM gid_redirects_in
       ON CONFLICT (old_gid) DO UPDATE SET new_gid = EXCLUDED.new_gid, match_type = EXCLUDED.match_type, file_name = EXCLUDED.file_name`,
  );
}

const UNIQUE_VIOLATION = '23505';

/**
 * Writes one feed file as one transaction. The rules that make ingest revision-safe and
 * order-independent live here: the highest version of a day owns its content; an older
 * version contributes only its redirects; the same bytes twice write nothing.
 */
export class SittingRepository {
  constructor(private readonly db: Db) {}

  /** name → checksum for every stored feed file, so a batch can skip unchanged files before parsing them. */
  async knownChecksums(): Promise<Map<string, string>> {
    const rows = await this.db.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM feed_files',
    );
    return new Map(rows.map((r) => [r.name, r.checksum]));
  }

  async apply(prepared: PreparedFile): Promise<ApplyResult> {
    return this.db.transaction(
      async (tx) => {
        const { file } = prepared;
        // Two workers ingesting versions of the same day must not interleave.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [file.groupKey]);
        const stored = await tx.query<{ checksum: string }>(
          'SELECT checksum FROM feed_files WHERE name = $1',
          [file.name],
        );
        if (stored[0]?.checksum === prepared.checksum)
          return { status: 'unchanged', changedSpeechGids: [], removedSpeeches: 0 };

        const current = await tx.query<{ current_version: string }>(
          'SELECT current_version FROM sittings WHERE group_key = $1',
          [file.groupKey],
        );
        const owns =
          current[0] === undefined || compareVersions(file.version, current[0].current_version) >= 0;
        const outcome = owns
          ? await this.replaceContent(tx, prepared)
          : { changedSpeechGids: [], removedSpeeches: 0 };

        await tx.query('DELETE FROM gid_redirects WHERE file_name = $1', [file.name]);
        await writeRedirects(tx, prepared.redirects);
        await this.recordFile(tx, prepared);
        return { status: owns ? 'current' : 'superseded', ...outcome };
        // A lost commit loses its feed_files row with it, so the file is simply ingested again.
      },
      { asyncCommit: true },
    );
  }

  private async replaceContent(tx: Queryable, prepared: PreparedFile): Promise<Omit<ApplyResult, 'status'>> {
    const { file } = prepared;
    const before = await tx.query<{ content_hash: string }>(
      'SELECT content_hash FROM speeches WHERE group_key = $1',
      [file.groupKey],
    );
    // Paragraphs and votes have no foreign key (migration 008): they go here, with their
    // parents; what hangs off paragraphs and speeches (search vectors, tags) cascades.
    await tx.query(
      'DELETE FROM paragraphs p USING speeches s WHERE s.group_key = $1 AND p.speech_gid = s.gid',
      [file.groupKey],
    );
    await tx.query(
      'DELETE FROM votes v USING divisions d WHERE d.group_key = $1 AND v.division_gid = d.gid',
      [file.groupKey],
    );
    for (const table of ['speeches', 'headings', 'divisions']) {
      await tx.query(`DELETE FROM ${table} WHERE group_key = $1`, [file.groupKey]);
    }
    for (const c of prepared.content) await tx.copyText(c.table, c.columns, c.data);
    // Search indexing and tagging follow the commit; queuing them here means a crash in
    // between cannot forget the day.
    for (const queue of ['search_pending', 'tag_pending']) {
      await tx.query(`INSERT INTO ${queue} (group_key) VALUES ($1) ON CONFLICT DO NOTHING`, [file.groupKey]);
    }
    // The MP record's day totals (migration 009: no insert trigger on speeches, whose
    // transition table copied every row written).
    await tx.query('INSERT INTO record_pending (sitting_date) VALUES ($1)', [file.date]);
    await tx.query(
      `INSERT INTO sittings (group_key, type, sitting_date, current_file, current_version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (group_key) DO UPDATE SET current_file = EXCLUDED.current_file, current_version = EXCLUDED.current_version`,
      [file.groupKey, file.type, file.date, file.name, file.version],
    );
    const changed = changedSpeeches(
      before.map((r) => r.content_hash),
      prepared.speeches.gid,
      prepared.speeches.contentHash,
    );
    return {
      changedSpeechGids: changed,
      removedSpeeches: Math.max(0, before.length - (prepared.speechCount - changed.length)),
    };
  }

  private async recordFile(tx: Queryable, prepared: PreparedFile): Promise<void> {
    const { file } = prepared;
    await tx.query(
      `INSERT INTO feed_files (name, type, group_key, version, sitting_date, checksum, bytes, latest, speeches, paragraphs)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, bytes = EXCLUDED.bytes, latest = EXCLUDED.latest,
         speeches = EXCLUDED.speeches, paragraphs = EXCLUDED.paragraphs, ingested_at = now()`,
      [
        file.name,
        file.type,
        file.groupKey,
        file.version,
        file.date,
        prepared.checksum,
        prepared.bytes,
        prepared.latest,
        prepared.speechCount,
        prepared.paragraphCount,
      ],
    );
    await tx.query(
      'UPDATE ingest_errors SET resolved_at = now() WHERE file_name = $1 AND resolved_at IS NULL',
      [file.name],
    );
    await insertIssues(tx, file.name, prepared.issues);
  }
}

/**
 * The day lock the writer holds while replacing a day. Indexers and taggers only *try* it,
 * after locking their queue row: waiting would deadlock against a writer that is waiting
 * for that same queue row.
 */
export async function tryLockDay(tx: Queryable, groupKey: string): Promise<boolean> {
  const [row] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [
    groupKey,
  ]);
  return row?.ok === true;
}

/**
 * A speech is unchanged when the previous version had one with the same content; hashes
 * are consumed as a multiset so two identical procedural lines are not both "unchanged"
 * against one predecessor.
 */
export function changedSpeeches(previousHashes: string[], gids: string[], hashes: string[]): string[] {
  const pool = new Map<string, number>();
  for (const h of previousHashes) pool.set(h, (pool.get(h) ?? 0) + 1);
  const changed: string[] = [];
  gids.forEach((gid, i) => {
    const h = hashes[i] ?? '';
    const left = pool.get(h) ?? 0;
    if (left > 0) pool.set(h, left - 1);
    else changed.push(gid);
  });
  return changed;
}

export async function insertIssues(q: Queryable, fileName: string, issues: ParseIssue[]): Promise<void> {
  if (issues.length === 0) return;
  await q.query(
    `INSERT INTO ingest_errors (file_name, severity, line, col, field, message)
     SELECT $1, * FROM unnest($2::text[], $3::int4[], $4::int4[], $5::text[], $6::text[])`,
    [
      fileName,
      issues.map((i) => i.severity),
      issues.map((i) => i.line ?? null),
      issues.map((i) => i.column ?? null),
      issues.map((i) => i.field ?? null),
      issues.map((i) => i.message),
    ],
  );
}
