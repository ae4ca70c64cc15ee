/**
 * The poll side of the pipeline's Postgres state: each type's cursor (or directory-index
 * stamps) and the outbox of listed file versions (feed_pending). A listing is recorded in
 * one transaction that both queues the files and advances the cursor, so after a crash
 * either both happened or neither did, and a file is never skipped.
 */
import { createHash } from 'node:crypto';
import { advanceCursor, type ChangeCursor, type ChangeEntry } from '../feed/index.js';
import type { Db, Queryable } from '../store/db.js';
import type { IndexEntry, IndexValidators } from '../feed/feed-index.js';

export type ListingMode = 'changedates' | 'index';
export type PendingOrigin = 'poll' | 'index' | 'backfill';

export interface TypeState {
  type: string;
  mode: ListingMode;
  cursor: ChangeCursor | null;
  lastPollAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  changedatesCheckedAt: Date | null;
  /** When the last full (not 304) directory listing was recorded. */
  indexCheckedAt: Date | null;
  /** Validators of that listing, for the next conditional request; null before the first. */
  indexValidators: IndexValidators | null;
}

export interface PendingFile {
  type: string;
  name: string;
  version: string;
  origin: PendingOrigin;
  batch: string | null;
  /** Set once fetched: the bytes are in feed_blobs. */
  checksum: string | null;
  etag: string | null;
  lastModified: string | null;
}

interface TypeRow {
  type: string;
  mode: ListingMode;
  cursor_time: string | number | null;
  cursor_names: string[];
  last_poll_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  changedates_checked_at: Date | null;
  index_checked_at: Date | null;
  index_etag: string | null;
  index_last_modified: string | null;
}

const PENDING_COLUMNS = `type, name, version, origin, batch, checksum, etag, last_modified AS "lastModified"`;

export class CursorRepository {
  constructor(private readonly db: Db) {}

  async get(type: string): Promise<TypeState> {
    const rows = await this.db.query<TypeRow>('SELECT * FROM feed_cursors WHERE type = $1', [type]);
    return rows[0] ? toState(rows[0]) : emptyState(type);
  }

  async all(): Promise<TypeState[]> {
    const rows = await this.db.query<TypeRow>('SELECT * FROM feed_cursors ORDER BY type');
    return rows.map(toState);
  }

  /**
   * Queues `entries` (listed after `from`) and moves the cursor past all of them, in one
   * transaction. Entries failing `keep` are passed over without queueing. Returns false
   * (writing nothing) when another poll moved the cursor since `from` was read.
   */
  async recordListing(
    type: string,
    from: ChangeCursor | null,
    entries: ChangeEntry[],
    keep: (name: string) => boolean,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.lockAndCheck(tx, type, from))) return false;
      const queued = entries.filter((e) => keep(e.name));
      await upsertPending(
        tx,
        type,
        queued.map((e) => ({ name: e.name, version: String(e.time) })),
        'poll',
      );
      const cursor = entries.reduce<ChangeCursor | null>((c, e) => advanceCursor(c, e), from);
      await tx.query(
        `INSERT INTO feed_cursors (type, mode, cursor_time, cursor_names, last_poll_at, last_success_at, last_error, updated_at)
         VALUES ($1, 'changedates', $2, $3, now(), now(), NULL, now())
         ON CONFLICT (type) DO UPDATE SET mode = 'changedates', cursor_time = EXCLUDED.cursor_time, cursor_names = EXCLUDED.cursor_names,
           last_poll_at = now(), last_success_at = now(), last_error = NULL, updated_at = now()`,
        [type, cursor?.time ?? null, cursor?.names ?? []],
      );
      return true;
    });
  }

  /**
   * For a type without changedates.txt: queues files whose index stamp is new or changed,
   * and keeps the listing's validators with them. Returns how many were queued.
   */
  async recordIndexListing(
    type: string,
    entries: IndexEntry[],
    validators: IndexValidators,
    keep: (name: string) => boolean,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hansard-watch:poll:${type}`]);
      const known = await knownStamps(tx, type);
      const changed = entries.filter((e) => known.get(e.name) !== e.stamp);
      const queued = await queueIndexed(tx, type, changed, keep);
      await tx.query(
        `INSERT INTO feed_cursors (type, mode, last_poll_at, last_success_at, last_error, changedates_checked_at,
           index_checked_at, index_etag, index_last_modified, updated_at)
         VALUES ($1, 'index', now(), now(), NULL, now(), now(), $2, $3, now())
         ON CONFLICT (type) DO UPDATE SET mode = 'index', last_poll_at = now(), last_success_at = now(), last_error = NULL,
           changedates_checked_at = COALESCE(feed_cursors.changedates_checked_at, now()), index_checked_at = now(),
           index_etag = EXCLUDED.index_etag, index_last_modified = EXCLUDED.index_last_modified, updated_at = now()`,
        [type, validators.etag, validators.lastModified],
      );
      return queued;
    });
  }

  /**
   * For a type with changedates.txt: queues files the directory index shows but that were
   * never listed, fetched or stored (changedates.txt does not mention every file), and keeps
   * the listing's validators with them. Returns how many were queued.
   */
  async reconcileIndex(
    type: string,
    entries: IndexEntry[],
    validators: IndexValidators,
    keep: (name: string) => boolean,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hansard-watch:poll:${type}`]);
      const known = await knownStamps(tx, type);
      const seen = new Set(
        (
          await tx.query<{ name: string }>(
            `SELECT name FROM feed_pending WHERE type = $1 UNION SELECT name FROM feed_versions WHERE type = $1
             UNION SELECT name FROM feed_files WHERE type = $1`,
            [type],
          )
        ).map((r) => r.name),
      );
      const unknown = entries.filter((e) => !known.has(e.name) && !seen.has(e.name));
      const queued = await queueIndexed(tx, type, unknown, keep);
      await recordStamps(
        tx,
        type,
        entries.filter((e) => known.get(e.name) !== e.stamp),
      );
      await tx.query(
        `INSERT INTO feed_cursors (type, index_checked_at, index_etag, index_last_modified) VALUES ($1, now(), $2, $3)
         ON CONFLICT (type) DO UPDATE SET index_checked_at = now(), index_etag = EXCLUDED.index_etag,
           index_last_modified = EXCLUDED.index_last_modified`,
        [type, validators.etag, validators.lastModified],
      );
      return queued;
    });
  }

  /** In index mode: the directory index is as last recorded (a 304), so the poll found nothing and succeeded. */
  async recordIndexUnchanged(type: string): Promise<void> {
    await this.db.query(
      `UPDATE feed_cursors SET last_poll_at = now(), last_success_at = now(), last_error = NULL, updated_at = now()
        WHERE type = $1`,
      [type],
    );
  }

  /** In index mode: note that changedates.txt was looked for (and is still missing). */
  async markChangedatesChecked(type: string): Promise<void> {
    await this.db.query('UPDATE feed_cursors SET changedates_checked_at = now() WHERE type = $1', [type]);
  }

  async recordError(type: string, message: string): Promise<void> {
    await this.db.query(
      `INSERT INTO feed_cursors (type, last_poll_at, last_error) VALUES ($1, now(), $2)
       ON CONFLICT (type) DO UPDATE SET last_poll_at = now(), last_error = EXCLUDED.last_error`,
      [type, message.slice(0, 2000)],
    );
  }

  /** Queues historic files for a backfill; files already pending keep their listing. Returns how many were added. */
  async addBackfill(batch: string, files: { type: string; name: string }[]): Promise<number> {
    let added = 0;
    for (const type of new Set(files.map((f) => f.type))) {
      const names = files.filter((f) => f.type === type).map((f) => f.name);
      const rows = await this.db.query(
        `INSERT INTO feed_pending (type, name, version, origin, batch)
         SELECT $1, n, $2, 'backfill', $2 FROM unnest($3::text[]) AS n
         ON CONFLICT (type, name) DO NOTHING RETURNING name`,
        [type, batch, names],
      );
      added += rows.length;
    }
    return added;
  }

  async pending(limit = 100_000): Promise<PendingFile[]> {
    return this.db.query<PendingFile>(
      `SELECT ${PENDING_COLUMNS} FROM feed_pending ORDER BY listed_at, type, name LIMIT $1`,
      [limit],
    );
  }

  async pendingFile(type: string, name: string): Promise<PendingFile | undefined> {
    const rows = await this.db.query<PendingFile>(
      `SELECT ${PENDING_COLUMNS} FROM feed_pending WHERE type = $1 AND name = $2`,
      [type, name],
    );
    return rows[0];
  }

  async pendingCount(batch?: string): Promise<number> {
    const rows = batch
      ? await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feed_pending WHERE batch = $1', [
          batch,
        ])
      : await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feed_pending');
    return rows[0]?.n ?? 0;
  }

  /** Takes the per-type poll lock and checks the stored cursor is still `from`. */
  private async lockAndCheck(tx: Queryable, type: string, from: ChangeCursor | null): Promise<boolean> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hansard-watch:poll:${type}`]);
    const rows = await tx.query<TypeRow>('SELECT * FROM feed_cursors WHERE type = $1', [type]);
    const stored = rows[0] ? toState(rows[0]).cursor : null;
    return sameCursor(stored, from);
  }
}

async function knownStamps(tx: Queryable, type: string): Promise<Map<string, string>> {
  const rows = await tx.query<IndexEntry>('SELECT name, stamp FROM feed_index_entries WHERE type = $1', [
    type,
  ]);
  return new Map(rows.map((r) => [r.name, r.stamp]));
}

/** Queues index entries (passing `keep`) and records every given entry's stamp. */
async function queueIndexed(
  tx: Queryable,
  type: string,
  entries: IndexEntry[],
  keep: (name: string) => boolean,
): Promise<number> {
  const queued = entries.filter((e) => keep(e.name));
  await upsertPending(
    tx,
    type,
    queued.map((e) => ({ name: e.name, version: indexVersion(e.stamp) })),
    'index',
  );
  await recordStamps(tx, type, entries);
  return queued.length;
}

async function recordStamps(tx: Queryable, type: string, entries: IndexEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO feed_index_entries (type, name, stamp) SELECT $1, * FROM unnest($2::text[], $3::text[])
     ON CONFLICT (type, name) DO UPDATE SET stamp = EXCLUDED.stamp`,
    [type, entries.map((e) => e.name), entries.map((e) => e.stamp)],
  );
}

/** A listing replaces whatever an older listing of the file left: it must be fetched afresh. */
async function upsertPending(
  tx: Queryable,
  type: string,
  files: { name: string; version: string }[],
  origin: PendingOrigin,
): Promise<void> {
  if (files.length === 0) return;
  await tx.query(
    `INSERT INTO feed_pending (type, name, version, origin)
     SELECT $1, n, v, $2 FROM unnest($3::text[], $4::text[]) AS u(n, v)
     ON CONFLICT (type, name) DO UPDATE SET version = EXCLUDED.version, origin = EXCLUDED.origin, batch = NULL,
       checksum = NULL, etag = NULL, last_modified = NULL, listed_at = now()`,
    [type, origin, files.map((f) => f.name), files.map((f) => f.version)],
  );
}

/** Index stamps are free text; the job id gets a short hash of it. */
function indexVersion(stamp: string): string {
  return `i${createHash('sha256').update(stamp).digest('hex').slice(0, 12)}`;
}

function toState(row: TypeRow): TypeState {
  return {
    type: row.type,
    mode: row.mode,
    cursor: row.cursor_time === null ? null : { time: Number(row.cursor_time), names: row.cursor_names },
    lastPollAt: row.last_poll_at,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    changedatesCheckedAt: row.changedates_checked_at,
    indexCheckedAt: row.index_checked_at,
    indexValidators:
      row.index_etag === null && row.index_last_modified === null
        ? null
        : { etag: row.index_etag, lastModified: row.index_last_modified },
  };
}

/** A feed type's state before its first poll. */
export function emptyState(type: string): TypeState {
  return {
    type,
    mode: 'changedates',
    cursor: null,
    lastPollAt: null,
    lastSuccessAt: null,
    lastError: null,
    changedatesCheckedAt: null,
    indexCheckedAt: null,
    indexValidators: null,
  };
}

function sameCursor(a: ChangeCursor | null, b: ChangeCursor | null): boolean {
  if (a === null || b === null) return a === b;
  return a.time === b.time && a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i]);
}
