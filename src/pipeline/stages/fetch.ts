/**
 * `fetch`: download one listed file, conditionally on the version the store holds. The
 * feed client has already retried transient failures and verified the body is a whole
 * XML document; an unchanged answer finishes the file here, new bytes are kept in
 * Postgres and handed to an `ingest` job by checksum.
 */
import { FeedError, FeedNotFoundError } from '../../feed/index.js';
import type { PipelineDeps } from '../context.js';
import { ingestJob, type FetchJob } from '../jobs.js';
import { PermanentJobError, type JobContext } from '../queue.js';

export type FetchOutcome = 'not-pending' | 'already-fetched' | 'unchanged' | 'fetched';

export async function runFetch(deps: PipelineDeps, job: JobContext<FetchJob>): Promise<FetchOutcome> {
  const { type, name, version, origin } = job.data;
  const listed = await deps.cursors.pendingFile(type, name);
  if (!listed) return 'not-pending';
  if (listed.checksum !== null) {
    // Fetched before (the job was re-added after a lost queue): go straight to ingest.
    await deps.queue.add([
      ingestJob({
        type,
        name,
        version: listed.version,
        origin,
        checksum: listed.checksum,
        etag: listed.etag,
        lastModified: listed.lastModified,
      }),
    ]);
    return 'already-fetched';
  }
  const previous = await deps.fetches.previous(type, name);
  let result;
  try {
    result = await deps.feed.source.fetchFile(type, name, previous, { signal: job.signal });
  } catch (err) {
    throw classify(err);
  }
  const validators = {
    checksum: result.checksum,
    etag: result.etag ?? null,
    lastModified: result.lastModified ?? null,
  };
  if (result.status === 'unchanged') {
    await deps.fetches.finishUnchanged({ type, name, version, ...validators });
    job.log.info(
      { type, file: name, conditional: previous?.etag !== undefined || previous?.lastModified !== undefined },
      'file unchanged',
    );
    return 'unchanged';
  }
  await deps.fetches.stage(type, name, validators, result.bytes);
  await deps.queue.add([ingestJob({ type, name, version, origin, ...validators })]);
  job.log.info(
    { type, file: name, bytes: result.bytes.byteLength, checksum: result.checksum.slice(0, 12) },
    'file fetched',
  );
  return 'fetched';
}

/**
 * A body of the wrong kind will not improve by asking again: fail the job for a human.
 * Everything else (5xx, timeouts, cut-off bodies, a listed file not there yet) is retried
 * by the queue with backoff; a Retry-After the client would not wait for travels on the
 * error (retryAfterMs) and sets the delay.
 */
function classify(err: unknown): unknown {
  if (err instanceof RangeError) return new PermanentJobError(err.message);
  // IncompleteBodyError is an InvalidBodyError too, but retryable: a cut-off body.
  if (err instanceof FeedError && !err.retryable && !(err instanceof FeedNotFoundError))
    return new PermanentJobError(err.message);
  return err;
}
