/**
 * Backfill: list historic files of the chosen types and dates and queue them behind live
 * work. Files come from each type's directory index, which lists everything ever
 * published (changedates.txt only reaches back so far); when a type has no index, its
 * changedates.txt is used. Files the store already holds are skipped unless `force`.
 * The fetches are spread out at BACKFILL_PER_MINUTE by delaying their jobs.
 */
import { parseFeedFileName } from '../debate/feed-file.js';
import { feedFileName, feedTypeOfFolder, NESTED_FEED_TYPES, type FeedType } from '../parliament/index.js';
import { FeedNotFoundError } from '../feed/index.js';
import type { PipelineDeps } from './context.js';
import { refreshPeopleIfDue } from './people-refresh.js';
import { enqueuePending } from './stages/poll.js';

export interface BackfillRequest {
  from: string;
  to?: string | undefined;
  types: readonly string[];
  /** Queue files the store already holds too (they are fetched conditionally). */
  force?: boolean;
}

export interface BackfillPlan {
  batch: string;
  /** Files in range per type. */
  perType: Record<string, number>;
  /** Newly queued (files already pending keep their listing). */
  added: number;
  skippedKnown: number;
  warnings: string[];
}

export async function startBackfill(
  deps: PipelineDeps,
  req: BackfillRequest,
  signal?: AbortSignal,
): Promise<BackfillPlan> {
  const batch = `b${Date.now().toString(36)}`;
  // A store that has never polled has no members yet; speakers must resolve as files land.
  await refreshPeopleIfDue({
    db: deps.db,
    source: deps.feed.source,
    log: deps.log,
    refreshHours: deps.settings.peopleRefreshHours,
    signal,
  });
  const known = req.force
    ? new Set<string>()
    : new Set((await deps.db.query<{ name: string }>('SELECT name FROM feed_files')).map((r) => r.name));
  const plan: BackfillPlan = { batch, perType: {}, added: 0, skippedKnown: 0, warnings: [] };
  const files: { type: string; name: string }[] = [];
  for (const type of await feedFolders(deps, req.types, signal)) {
    const names = (await listType(deps, type, plan.warnings, signal)).filter((name) =>
      inRange(name, type, req),
    );
    plan.perType[type] = names.length;
    for (const name of names) {
      if (known.has(name)) plan.skippedKnown++;
      else files.push({ type, name });
    }
  }
  plan.added = await deps.cursors.addBackfill(batch, files);
  await enqueuePending(deps);
  deps.log.info(
    { batch, added: plan.added, skippedKnown: plan.skippedKnown, perType: plan.perType },
    'backfill queued',
  );
  return plan;
}

/** Each type's folder, and for a nested type (sp-new) each meeting folder its index shows now. */
async function feedFolders(
  deps: PipelineDeps,
  types: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const out: string[] = [];
  for (const type of types) {
    if (!NESTED_FEED_TYPES.has(type as FeedType)) {
      out.push(type);
      continue;
    }
    const listing = await deps.feed.index.listIfChanged(type, null, signal);
    const folders = listing.status === 'listed' ? (listing.folders ?? []) : [];
    out.push(...folders.map((f) => `${type}/${f}`));
  }
  return out;
}

async function listType(
  deps: PipelineDeps,
  type: string,
  warnings: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  try {
    return (await deps.feed.index.list(type, signal)).map((e) => e.name);
  } catch (err) {
    if (!(err instanceof FeedNotFoundError)) throw err;
  }
  try {
    const list = await deps.feed.source.listChanges(type, null, { signal });
    warnings.push(
      `${type}: no directory index; used changedates.txt, which may not reach back to the start date`,
    );
    return list.pending.map((e) => e.name);
  } catch (err) {
    if (!(err instanceof FeedNotFoundError)) throw err;
    warnings.push(`${type}: neither a directory index nor changedates.txt; skipped`);
    return [];
  }
}

function inRange(name: string, type: string, req: BackfillRequest): boolean {
  let date: string;
  try {
    date = parseFeedFileName(feedFileName(type, name), feedTypeOfFolder(type)).date;
  } catch {
    return false;
  }
  return date >= req.from && (req.to === undefined || date <= req.to);
}
