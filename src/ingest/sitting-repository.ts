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
    // Left open rather than released (one round trip fewer): it commits with the transaction.
    await tx.copyText('gid_redirects', columns, data);
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
 * The vectors worked out in the parse worker go in with the content. When they cover every
 * paragraph the day is searchable at this commit and leaves the indexer's queue (where
 * ingest_clear_day put it); otherwise the indexer computes the rest after the commit.
 */
async function writeSearchVectors(tx: Queryable, prepared: PreparedFile): Promise<void> {
  const { search } = prepared;
  if (search.rows > 0) await tx.copyText(search.table, search.columns, search.data);
  if (prepared.searchComplete)
    await tx.query('DELETE FROM search_pending WHERE group_key = $1', [prepared.file.groupKey]);
}

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

  /** The speeches of the days `fileName` is the current version of, in order: what a replayed announcement names. */
  async speechGidsOfCurrentFile(fileName: string): Promise<string[]> {
    const rows = await this.db.query<{ gid: string }>(
      `SELECT s.gid FROM speeches s JOIN sittings t ON t.group_key = s.group_key WHERE t.current_file = $1 ORDER BY s.seq`,
      [fileName],
    );
    return rows.map((r) => r.gid);
  }

  async apply(prepared: PreparedFile): Promise<ApplyResult> {
    return this.db.transaction(
      async (tx) => {
        const { file } = prepared;
        // Migration 010: the fixed statements of a file, three round trips instead of twenty.
        const [open] = await tx.query<{ unchanged: boolean; current_version: string | null }>(
          'SELECT * FROM ingest_open_file($1, $2, $3)',
          [file.groupKey, file.name, prepared.checksum],
        );
        if (open?.unchanged) return { status: 'unchanged', changedSpeechGids: [], removedSpeeches: 0 };
        const current = open?.current_version ?? null;
        const owns = current === null || compareVersions(file.version, current) >= 0;
        const outcome = owns
          ? await this.replaceContent(tx, prepared)
          : { changedSpeechGids: [], removedSpeeches: 0 };
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
    // Empties the day and queues search indexing, tagging and the MP record, which follow
    // the commit: queued here, a crash in between cannot forget the day.
    const [cleared] = await tx.query<{ hashes: string[] }>(
      'SELECT ingest_clear_day($1, $2, $3, $4, $5) AS hashes',
      [file.groupKey, file.type, file.date, file.name, file.version],
    );
    const before = cleared?.hashes ?? [];
    for (const c of prepared.content) await tx.copyText(c.table, c.columns, c.data);
    await writeSearchVectors(tx, prepared);
    const changed = changedSpeeches(before, prepared.speeches.gid, prepared.speeches.contentHash);
    return {
      changedSpeechGids: changed,
      removedSpeeches: Math.max(0, before.length - (prepared.speechCount - changed.length)),
    };
  }

  private async recordFile(tx: Queryable, prepared: PreparedFile): Promise<void> {
    const { file } = prepared;
    await tx.query('SELECT ingest_close_file($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
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
    ]);
    await insertIssues(tx, file.name, prepared.issues);
  }
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
