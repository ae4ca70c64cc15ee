/**
 * `poll`: refresh people.json when due, then for each type list what changed since its
 * cursor and record it (listing + cursor advance in one transaction), then (re-)enqueue
 * the next job of every pending file. Re-enqueueing everything pending, not just what
 * this poll found, is what heals a queue that lost jobs (a Redis restart, a killed
 * in-process queue): ids make the re-adds of jobs still held no-ops.
 */
import { parseFeedFileName } from '../../debate/feed-file.js';
import type { FeedType } from '../../debate/types.js';
import { FeedNotFoundError } from '../../feed/index.js';
import { indexPendingDays } from '../../ingest/search-index.js';
import type { PipelineDeps } from '../context.js';
import { jobsForPending, type PollJob } from '../jobs.js';
import { refreshPeopleIfDue } from '../people-refresh.js';
import type { JobContext } from '../queue.js';

/** How often a type without changedates.txt is checked for one again. */
const CHANGEDATES_RECHECK_MS = 24 * 3_600_000;
/** How often a type with changedates.txt has its directory index compared for files it never mentioned. */
const INDEX_RECONCILE_MS = 24 * 3_600_000;

export interface PollOutcome {
  typesFailed: string[];
  jobsQueued: number;
}

export async function runPoll(deps: PipelineDeps, job: JobContext<PollJob>): Promise<PollOutcome> {
  const started = Date.now();
  await refreshPeopleIfDue({
    db: deps.db,
    source: deps.feed.source,
    log: job.log,
    refreshHours: deps.settings.peopleRefreshHours,
    signal: job.signal,
  });
  const typesFailed: string[] = [];
  for (const type of deps.settings.types) {
    try {
      await pollType(deps, type, job);
    } catch (err) {
      if (job.signal.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      typesFailed.push(type);
      job.log.warn({ type, err: message }, 'poll of feed type failed');
      await deps.cursors.recordError(type, message);
    }
  }
  const jobsQueued = await enqueuePending(deps);
  const summary = { at: new Date().toISOString(), durationMs: Date.now() - started, typesFailed, jobsQueued };
  await deps.states.set('last-poll', summary);
  if (typesFailed.length === 0) await deps.states.set('last-successful-poll', summary);
  await deps.fetches.collectBlobs(deps.settings.blobRetentionHours ?? 24 * 7);
  // Safety net for days queued for search indexing by an ingest whose worker died.
  await indexPendingDays(deps.db);
  job.log.info({ jobsQueued, typesFailed, ms: summary.durationMs }, 'poll done');
  if (typesFailed.length === deps.settings.types.length && typesFailed.length > 0)
    throw new Error(`every feed type failed to poll (${typesFailed.join(', ')})`);
  return { typesFailed, jobsQueued };
}

/** Adds the next job of every pending file; returns how many were offered to the queue. */
export async function enqueuePending(deps: PipelineDeps): Promise<number> {
  const jobs = jobsForPending(await deps.cursors.pending(), deps.settings.backfillPerMinute);
  await deps.queue.add(jobs);
  return jobs.length;
}

async function pollType(deps: PipelineDeps, type: string, job: JobContext<PollJob>): Promise<void> {
  const state = await deps.cursors.get(type);
  const keep = sinceFilter(type, deps.settings.since);
  const recheck =
    !state.changedatesCheckedAt ||
    Date.now() - state.changedatesCheckedAt.getTime() >= CHANGEDATES_RECHECK_MS;
  if (state.mode === 'index' && !recheck) return void (await pollIndex(deps, type, keep, job));
  // The index is read before changedates.txt: a file published in between then shows up
  // in changedates.txt only, rather than in both as two listings of one version.
  if (
    state.mode === 'changedates' &&
    (!state.indexCheckedAt || Date.now() - state.indexCheckedAt.getTime() >= INDEX_RECONCILE_MS)
  )
    await reconcile(deps, type, keep, job);
  try {
    const list = await deps.feed.source.listChanges(type, state.cursor, { signal: job.signal });
    for (const issue of list.issues.slice(0, 20))
      job.log.warn(
        { type, line: issue.line, reason: issue.reason },
        'unreadable changedates.txt line skipped',
      );
    const recorded = await deps.cursors.recordListing(type, state.cursor, list.pending, keep);
    if (!recorded) job.log.info({ type }, 'cursor moved by a concurrent poll; its listing stands');
    else if (list.pending.length > 0)
      job.log.info({ type, files: list.pending.length }, 'new and revised files listed');
  } catch (err) {
    if (!(err instanceof FeedNotFoundError)) throw err;
    if (state.mode !== 'index')
      job.log.warn({ type }, 'no changedates.txt for this type; listing its directory index instead');
    await pollIndex(deps, type, keep, job);
    await deps.cursors.markChangedatesChecked(type);
  }
}

async function pollIndex(
  deps: PipelineDeps,
  type: string,
  keep: (name: string) => boolean,
  job: JobContext<PollJob>,
): Promise<void> {
  const entries = await deps.feed.index.list(type, job.signal);
  const queued = await deps.cursors.recordIndexListing(type, entries, keep);
  if (queued > 0)
    job.log.info({ type, files: queued }, 'new and changed files listed from the directory index');
}

/** Picks up files the directory index shows but changedates.txt never listed. A missing index is not an error. */
async function reconcile(
  deps: PipelineDeps,
  type: string,
  keep: (name: string) => boolean,
  job: JobContext<PollJob>,
): Promise<void> {
  let entries;
  try {
    entries = await deps.feed.index.list(type, job.signal);
  } catch (err) {
    if (!(err instanceof FeedNotFoundError)) throw err;
    return void (await deps.cursors.markIndexChecked(type));
  }
  const queued = await deps.cursors.reconcileIndex(type, entries, keep);
  if (queued > 0)
    job.log.info(
      { type, files: queued },
      'files missing from changedates.txt listed from the directory index',
    );
}

/** FEED_SINCE: files dated earlier are passed over (names that do not parse are kept, to be reported by ingest). */
export function sinceFilter(type: string, since: string | undefined): (name: string) => boolean {
  if (!since) return () => true;
  return (name) => {
    try {
      return parseFeedFileName(name, type as FeedType).date >= since;
    } catch {
      return true;
    }
  };
}
