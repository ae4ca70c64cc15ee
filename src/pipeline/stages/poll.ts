/**
 * `poll`: refresh people.json when due, then for each type list what changed since its
 * cursor and record it (listing + cursor advance in one transaction), compare its
 * directory index with what is known (one conditional request, a 304 when unchanged:
 * changedates.txt does not name every file, and some types have none), then (re-)enqueue
 * the next job of every pending file. Re-enqueueing everything pending, not just what
 * this poll found, is what heals a queue that lost jobs (a Redis restart, a killed
 * in-process queue): ids make the re-adds of jobs still held no-ops.
 */
import { parseFeedFileName } from '../../debate/feed-file.js';
import { feedFileName, feedTypeOfFolder, NESTED_FEED_TYPES, type FeedType } from '../../parliament/index.js';
import { FeedNotFoundError } from '../../feed/index.js';
import { emptyReport } from '../../events/ingest.js';
import type { PipelineDeps } from '../context.js';
import type { ListingMode, TypeState } from '../cursor-repository.js';
import type { IndexListing } from '../../feed/feed-index.js';
import { jobsForPending, type PollJob } from '../jobs.js';
import { refreshPeopleIfDue } from '../people-refresh.js';
import type { NestedFolders } from '../state-repository.js';
import type { JobContext } from '../queue.js';

/** How often a type without changedates.txt is checked for one again. */
const CHANGEDATES_RECHECK_MS = 24 * 3_600_000;
/**
 * How often the directory index is asked for without validators. Validators that follow
 * the directory (a mirror's mtime, Apache's TrackModified) miss a file rewritten in place.
 */
const INDEX_FULL_LISTING_MS = 24 * 3_600_000;

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
  const folders = await feedFolders(deps, job, typesFailed);
  for (const type of folders) {
    try {
      await pollType(deps, type, job);
    } catch (err) {
      if (job.signal.aborted) throw err;
      const message = errorMessage(err);
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
  // Safety net for days left queued (search index, tagging) by an ingest whose worker died.
  await deps.events.publish(
    'file-ingested',
    { files: [], batch: false, report: emptyReport() },
    { log: job.log, signal: job.signal },
  );
  job.log.info({ jobsQueued, typesFailed, ms: summary.durationMs }, 'poll done');
  if (typesFailed.length > 0 && typesFailed.length === folders.length + failedNested(deps, typesFailed))
    throw new Error(`every feed type failed to poll (${typesFailed.join(', ')})`);
  return { typesFailed, jobsQueued };
}

/**
 * The folders to poll: each type's own, and for a nested type (sp-new) each meeting folder
 * its directory index shows, asked for conditionally like any index (a 304 when no folder
 * came or went). A nested type whose index cannot be read is reported failed; its folders
 * as last listed are polled all the same, so a new file in a known folder is not held up.
 */
async function feedFolders(
  deps: PipelineDeps,
  job: JobContext<PollJob>,
  failed: string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const type of deps.settings.types) {
    if (!NESTED_FEED_TYPES.has(type as FeedType)) {
      out.push(type);
      continue;
    }
    const known = (await deps.states.get('nested-folders')) ?? {};
    let folders = known[type]?.folders ?? [];
    try {
      folders = await listNested(deps, type, known, job.signal);
      // Clears an earlier failure of the folder listing from `status` (the type has no cursor of its own otherwise).
      await deps.cursors.recordIndexUnchanged(type);
    } catch (err) {
      if (job.signal.aborted) throw err;
      const message = errorMessage(err);
      failed.push(type);
      job.log.warn({ type, err: message }, 'listing the meeting folders of a feed type failed');
      await deps.cursors.recordError(type, message);
    }
    out.push(...folders.map((f) => `${type}/${f}`));
  }
  return out;
}

async function listNested(
  deps: PipelineDeps,
  type: string,
  known: Record<string, NestedFolders>,
  signal: AbortSignal,
): Promise<string[]> {
  const previous = known[type];
  const validators = previous ? { etag: previous.etag, lastModified: previous.lastModified } : null;
  const listing = await deps.feed.index.listIfChanged(type, validators, signal);
  if (listing.status === 'unchanged' && previous) return previous.folders;
  const folders = listing.status === 'listed' ? (listing.folders ?? []) : [];
  const stored = listing.status === 'listed' ? listing.validators : { etag: null, lastModified: null };
  const latest = (await deps.states.get('nested-folders')) ?? {};
  await deps.states.set('nested-folders', { ...latest, [type]: { folders, ...stored } });
  return folders;
}

/** Nested types whose folder listing failed: counted as polled types in the all-failed check. */
function failedNested(deps: PipelineDeps, failed: string[]): number {
  return failed.filter((t) => NESTED_FEED_TYPES.has(t as FeedType) && deps.settings.types.includes(t)).length;
}

/** Adds the next job of every pending file; returns how many were offered to the queue. */
export async function enqueuePending(deps: PipelineDeps): Promise<number> {
  const jobs = jobsForPending(await deps.cursors.pending(), deps.settings.backfillPerMinute);
  await deps.queue.add(jobs);
  return jobs.length;
}

/**
 * One type's poll: its directory index (conditionally: a 304 when nothing changed) and its
 * changedates.txt. Each step that fails leaves nothing recorded as done, so the next poll
 * asks again; the type is reported failed with every step's error.
 */
async function pollType(deps: PipelineDeps, type: string, job: JobContext<PollJob>): Promise<void> {
  const state = await deps.cursors.get(type);
  const keep = sinceFilter(type, deps.settings.since);
  const failures: unknown[] = [];
  const attempt = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step();
    } catch (err) {
      if (job.signal.aborted) throw err;
      failures.push(err);
      return undefined;
    }
  };
  // The index is read before changedates.txt and recorded after it: a file published in
  // between shows up in changedates.txt only, and one in both is already pending from
  // changedates.txt when the index is compared, so it is listed once, with its changedates time.
  const listing = await attempt(() => readIndex(deps, type, state, job.signal));
  const mode = (await attempt(() => pollChangedates(deps, type, state, keep, job))) ?? state.mode;
  if (listing !== undefined) await attempt(() => recordIndex(deps, type, mode, listing, keep, job));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new Error(failures.map(errorMessage).join('; '));
}

/** The directory index if it changed since the listing last recorded; unconditionally once a day. */
function readIndex(
  deps: PipelineDeps,
  type: string,
  state: TypeState,
  signal: AbortSignal,
): Promise<IndexListing> {
  const fullDue =
    !state.indexCheckedAt || Date.now() - state.indexCheckedAt.getTime() >= INDEX_FULL_LISTING_MS;
  return deps.feed.index.listIfChanged(type, fullDue ? null : state.indexValidators, signal);
}

/**
 * Records what changedates.txt lists after the cursor; returns the mode the type is in
 * now: 'index' when it has no changedates.txt (looked for again once a day).
 */
async function pollChangedates(
  deps: PipelineDeps,
  type: string,
  state: TypeState,
  keep: (name: string) => boolean,
  job: JobContext<PollJob>,
): Promise<ListingMode> {
  const recheck =
    !state.changedatesCheckedAt ||
    Date.now() - state.changedatesCheckedAt.getTime() >= CHANGEDATES_RECHECK_MS;
  if (state.mode === 'index' && !recheck) return 'index';
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
    return 'changedates';
  } catch (err) {
    if (!(err instanceof FeedNotFoundError)) throw err;
    if (state.mode !== 'index')
      job.log.warn({ type }, 'no changedates.txt for this type; listing its directory index instead');
    await deps.cursors.markChangedatesChecked(type);
    return 'index';
  }
}

/**
 * Takes in a changed listing: in index mode every new or re-stamped file is queued; with
 * changedates.txt, files it never listed (and nothing else has) are.
 */
async function recordIndex(
  deps: PipelineDeps,
  type: string,
  mode: ListingMode,
  listing: IndexListing,
  keep: (name: string) => boolean,
  job: JobContext<PollJob>,
): Promise<void> {
  if (listing.status === 'unchanged') {
    if (mode === 'index') await deps.cursors.recordIndexUnchanged(type);
    return;
  }
  if (mode === 'index') {
    const queued = await deps.cursors.recordIndexListing(type, listing.entries, listing.validators, keep);
    if (queued > 0)
      job.log.info({ type, files: queued }, 'new and changed files listed from the directory index');
    return;
  }
  const queued = await deps.cursors.reconcileIndex(type, listing.entries, listing.validators, keep);
  if (queued > 0)
    job.log.info(
      { type, files: queued },
      'files missing from changedates.txt listed from the directory index',
    );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** FEED_SINCE: files dated earlier are passed over (names that do not parse are kept, to be reported by ingest). */
export function sinceFilter(type: string, since: string | undefined): (name: string) => boolean {
  if (!since) return () => true;
  return (name) => {
    try {
      return parseFeedFileName(feedFileName(type, name), feedTypeOfFolder(type)).date >= since;
    } catch {
      return true;
    }
  };
}
