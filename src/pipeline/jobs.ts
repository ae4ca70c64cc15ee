/**
 * What each stage's jobs carry, and their ids. An id names the work itself, so adding the
 * same work twice (a poll repeated after a crash, two workers polling at once) is a no-op
 * while the queue holds the first: fetch = type + file + listed version (the
 * changedates time, index stamp or backfill run), ingest and speeches-ingested = type +
 * file + sha256 of the bytes. BullMQ refuses ':' in custom ids, so parts are joined
 * with '-' (file names are [A-Za-z0-9._-] only, checked when listed).
 */
import type { PendingFile, PendingOrigin } from './cursor-repository.js';
import type { NewJob } from './queue.js';

export interface PollJob {
  reason: 'schedule' | 'startup' | 'manual' | 'recovery';
}

export interface FetchJob {
  type: string;
  name: string;
  version: string;
  origin: PendingOrigin;
}

export interface IngestJob extends FetchJob {
  /** sha256 of the bytes, which wait in feed_blobs under it. */
  checksum: string;
  etag: string | null;
  lastModified: string | null;
}

export interface SpeechesJob {
  type: string;
  name: string;
  checksum: string;
  changedSpeechGids: string[];
  replay: boolean;
}

/** Backfill runs behind live work. */
export const BACKFILL_PRIORITY = 10;

const CHECKSUM_CHARS = 24;

export const jobIds = {
  poll: (reason: PollJob['reason']): string => `poll-${reason}-${Date.now()}`,
  fetch: (j: Pick<FetchJob, 'type' | 'name' | 'version'>): string => `fetch-${j.type}-${j.name}-${j.version}`,
  ingest: (j: Pick<IngestJob, 'type' | 'name' | 'checksum'>): string =>
    `ingest-${j.type}-${j.name}-${j.checksum.slice(0, CHECKSUM_CHARS)}`,
  speeches: (j: Pick<SpeechesJob, 'type' | 'name' | 'checksum'>): string =>
    `speeches-${j.type}-${j.name}-${j.checksum.slice(0, CHECKSUM_CHARS)}`,
};

export function ingestJob(data: IngestJob): NewJob<IngestJob> {
  return { stage: 'ingest', id: jobIds.ingest(data), data, ...priorityOf(data.origin) };
}

/**
 * The next job for every pending file: its ingest when the bytes are already fetched,
 * else its fetch. Backfill fetches are spread out at `backfillPerMinute`.
 */
export function jobsForPending(rows: readonly PendingFile[], backfillPerMinute: number): NewJob[] {
  const spacingMs = 60_000 / backfillPerMinute;
  let backfills = 0;
  return rows.map((row): NewJob => {
    const base = { type: row.type, name: row.name, version: row.version, origin: row.origin };
    if (row.checksum !== null)
      return ingestJob({ ...base, checksum: row.checksum, etag: row.etag, lastModified: row.lastModified });
    const delayMs = row.origin === 'backfill' ? Math.round(backfills++ * spacingMs) : 0;
    return {
      stage: 'fetch',
      id: jobIds.fetch(base),
      data: base satisfies FetchJob,
      ...priorityOf(row.origin),
      ...(delayMs ? { delayMs } : {}),
    };
  });
}

function priorityOf(origin: PendingOrigin): { priority?: number } {
  return origin === 'backfill' ? { priority: BACKFILL_PRIORITY } : {};
}
