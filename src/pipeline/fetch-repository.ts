/**
 * The fetch/ingest side of the pipeline's Postgres state: the validators of the version
 * each file was last ingested at (feed_versions), downloaded bytes waiting for their
 * ingest (feed_blobs), and finishing a listed file (removing it from feed_pending).
 */
import type { PreviousVersion } from '../feed/index.js';
import type { Db, Queryable } from '../store/db.js';

export type VersionStatus = 'current' | 'superseded' | 'unchanged' | 'invalid';

export interface FetchedVersion {
  checksum: string;
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
}

export interface FinishedFile extends FetchedVersion {
  type: string;
  name: string;
  /** The listing the finishing job was working for. */
  version: string;
  status: VersionStatus;
}

export class FetchRepository {
  constructor(private readonly db: Db) {}

  /**
   * What to send as conditionals for `name`. Validators are only trusted when they stand
   * for the bytes the store holds (feed_files), or for a file found invalid; a store
   * filled some other way (`hansard-watch ingest`) still gives its checksum.
   */
  async previous(type: string, name: string): Promise<PreviousVersion | undefined> {
    const rows = await this.db.query<{
      v_checksum: string | null;
      etag: string | null;
      last_modified: string | null;
      status: string | null;
      f_checksum: string | null;
    }>(
      `SELECT v.checksum AS v_checksum, v.etag, v.last_modified, v.status, f.checksum AS f_checksum
         FROM (SELECT 1) one
         LEFT JOIN feed_versions v ON v.type = $1 AND v.name = $2
         LEFT JOIN feed_files f ON f.name = $2`,
      [type, name],
    );
    const r = rows[0];
    if (!r) return undefined;
    const trusted =
      r.v_checksum !== null &&
      (r.v_checksum === r.f_checksum || (r.status === 'invalid' && r.f_checksum === null));
    if (trusted)
      return {
        checksum: r.v_checksum ?? undefined,
        etag: r.etag ?? undefined,
        lastModified: r.last_modified ?? undefined,
      };
    return r.f_checksum !== null ? { checksum: r.f_checksum } : undefined;
  }

  /** Keeps verified bytes for the ingest job and notes on the listing that they were fetched. */
  async stage(type: string, name: string, fetched: FetchedVersion, bytes: Uint8Array): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO feed_blobs (checksum, bytes) VALUES ($1, $2) ON CONFLICT (checksum) DO NOTHING',
        [fetched.checksum, bytes],
      );
      await tx.query(
        'UPDATE feed_pending SET checksum = $3, etag = $4, last_modified = $5 WHERE type = $1 AND name = $2',
        [type, name, fetched.checksum, fetched.etag ?? null, fetched.lastModified ?? null],
      );
    });
  }

  async blob(checksum: string): Promise<Buffer | undefined> {
    const rows = await this.db.query<{ bytes: Uint8Array }>(
      'SELECT bytes FROM feed_blobs WHERE checksum = $1',
      [checksum],
    );
    const bytes = rows[0]?.bytes;
    return bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Whether this pipeline finished ingesting exactly these bytes of the file. */
  async finished(type: string, name: string, checksum: string): Promise<boolean> {
    const rows = await this.db.query(
      'SELECT 1 FROM feed_versions WHERE type = $1 AND name = $2 AND checksum = $3',
      [type, name, checksum],
    );
    return rows.length > 0;
  }

  /**
   * Records the ingested version and its validators, and takes the file off the pending
   * list if this was the listing it waited for or the bytes it was fetched as; the
   * bytes go once nothing pending still needs them.
   */
  async finish(file: FinishedFile): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO feed_versions (type, name, checksum, etag, last_modified, status, fetched_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (type, name) DO UPDATE SET checksum = EXCLUDED.checksum, etag = EXCLUDED.etag,
           last_modified = EXCLUDED.last_modified, status = EXCLUDED.status, fetched_at = now()`,
        [file.type, file.name, file.checksum, file.etag ?? null, file.lastModified ?? null, file.status],
      );
      await this.unlist(tx, file);
    });
  }

  /** The feed says the stored version is current: refresh validators (keeping the status) and unlist. */
  async finishUnchanged(file: Omit<FinishedFile, 'status'>): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO feed_versions (type, name, checksum, etag, last_modified, status, fetched_at)
         VALUES ($1, $2, $3, $4, $5, 'unchanged', now())
         ON CONFLICT (type, name) DO UPDATE SET checksum = EXCLUDED.checksum, etag = EXCLUDED.etag,
           last_modified = EXCLUDED.last_modified, fetched_at = now()`,
        [file.type, file.name, file.checksum, file.etag ?? null, file.lastModified ?? null],
      );
      await this.unlist(tx, file);
    });
  }

  /** Drops bytes left behind (e.g. a listing replaced before its ingest ran) once they are old. */
  async collectBlobs(olderThanHours: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM feed_blobs b WHERE b.created_at < now() - make_interval(hours => $1)
         AND NOT EXISTS (SELECT 1 FROM feed_pending p WHERE p.checksum = b.checksum) RETURNING checksum`,
      [olderThanHours],
    );
    return rows.length;
  }

  private async unlist(tx: Queryable, file: Omit<FinishedFile, 'status'>): Promise<void> {
    await tx.query(
      `DELETE FROM feed_pending WHERE type = $1 AND name = $2 AND (version = $3 OR checksum = $4)`,
      [file.type, file.name, file.version, file.checksum],
    );
    await tx.query(
      `DELETE FROM feed_blobs WHERE checksum = $1 AND NOT EXISTS (SELECT 1 FROM feed_pending WHERE checksum = $1)`,
      [file.checksum],
    );
  }
}
