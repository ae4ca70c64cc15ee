/** What the stage handlers share: the store, the feed, the queue and the repositories over them. */
import type { ParseLimits } from '../debate/limits.js';
import type { IngestBus } from '../events/ingest.js';
import { SittingRepository } from '../ingest/sitting-repository.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { CursorRepository } from './cursor-repository.js';
import type { Feed } from '../feed/open-feed.js';
import { FetchRepository } from './fetch-repository.js';
import type { PipelineQueue, ScheduleSpec } from './queue.js';
import { ResolverCache } from './resolver-cache.js';
import { StateRepository } from './state-repository.js';

export interface PipelineSettings {
  types: readonly string[];
  /** Polls pass over files whose sitting date is earlier (YYYY-MM-DD). */
  since?: string | undefined;
  peopleRefreshHours: number;
  backfillPerMinute: number;
  /** Jobs run at once per stage (fetch, ingest, speeches-ingested) in each process. */
  concurrency: number;
  /** Fetch jobs started per minute, across every process. */
  fetchPerMinute: number;
  schedule: ScheduleSpec;
  /** Downloaded bytes not claimed by any pending file are dropped after this. */
  blobRetentionHours?: number;
  /** Bounds on one feed document (HW_MAX_*); the parser's defaults when absent. */
  parseLimits?: Readonly<ParseLimits> | undefined;
}

export interface PipelineDeps {
  db: Db;
  queue: PipelineQueue;
  feed: Feed;
  log: Logger;
  /** Where ingest publishes `file-ingested` and the speeches-ingested stage `speeches-ingested`. */
  events: IngestBus;
  settings: PipelineSettings;
  cursors: CursorRepository;
  fetches: FetchRepository;
  states: StateRepository;
  resolvers: ResolverCache;
  sittings: SittingRepository;
}

export function makeDeps(
  base: Pick<PipelineDeps, 'db' | 'queue' | 'feed' | 'log' | 'events' | 'settings'>,
): PipelineDeps {
  return {
    ...base,
    cursors: new CursorRepository(base.db),
    fetches: new FetchRepository(base.db),
    states: new StateRepository(base.db),
    resolvers: new ResolverCache(base.db),
    sittings: new SittingRepository(base.db),
  };
}
