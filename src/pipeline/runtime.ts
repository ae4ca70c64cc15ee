/**
 * Assembles a running pipeline from configuration, for the entry points (`start`,
 * `workers/main.ts`, CLI commands): the store, the feed, and BullMQ when REDIS_URL is set
 * or the in-process queue otherwise.
 */
import { parseLimits, type Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open.js';
import { BullPipelineQueue } from './bullmq-queue.js';
import type { PipelineSettings } from './context.js';
import { openFeed } from './feed.js';
import { MemoryQueue } from './memory-queue.js';
import { Pipeline } from './pipeline.js';
import type { JobRetention, PipelineQueue } from './queue.js';

export type Role = 'start' | 'worker' | 'cli';

export interface Runtime {
  config: Config;
  db: Db;
  pipeline: Pipeline;
  /** Stops the queue (waiting for running jobs up to SHUTDOWN_TIMEOUT_MS) and closes everything. */
  close(): Promise<void>;
}

/** Completed jobs are kept an hour so that their ids keep deduplicating re-adds from polls. */
export const RETENTION: JobRetention = {
  completedAgeMs: 3_600_000,
  completedCount: 10_000,
  failedCount: 10_000,
};

export function settingsFromConfig(config: Config): PipelineSettings {
  return {
    types: config.FEED_TYPES,
    since: config.FEED_SINCE,
    peopleRefreshHours: config.PEOPLE_REFRESH_HOURS,
    backfillPerMinute: config.BACKFILL_PER_MINUTE,
    concurrency: config.QUEUE_CONCURRENCY,
    fetchPerMinute: config.FETCH_MAX_PER_MINUTE,
    schedule: { cron: config.POLL_CRON },
    parseLimits: parseLimits(config),
  };
}

export function queueFromConfig(config: Config, log: Logger, role: Role): PipelineQueue {
  const retry = { attempts: config.QUEUE_ATTEMPTS, backoffMs: config.QUEUE_BACKOFF_MS };
  const queueLog = log.child({ component: 'queue' });
  if (!config.REDIS_URL) return new MemoryQueue({ retry, retention: RETENTION, log: queueLog });
  return new BullPipelineQueue({
    url: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    retry,
    retention: RETENTION,
    lockMs: config.QUEUE_LOCK_MS,
    log: queueLog,
    connectionName: `hansard-watch-${role}-${process.pid}`,
  });
}

export async function openRuntime(config: Config, log: Logger, role: Role): Promise<Runtime> {
  const db = await openStore({
    ...config,
    DATABASE_URL: withApplicationName(config.DATABASE_URL, `hansard-watch-${role}`),
  });
  const queue = queueFromConfig(config, log, role);
  const feed = openFeed({
    baseUrl: config.FEED_BASE_URL,
    dir: config.FEED_DIR,
    minIntervalMs: config.FEED_MIN_INTERVAL_MS,
    timeoutMs: config.FEED_TIMEOUT_MS,
    userAgent: config.FEED_USER_AGENT,
    log,
  });
  const pipeline = new Pipeline({ db, queue, feed, log, settings: settingsFromConfig(config) });
  let closing: Promise<void> | undefined;
  return {
    config,
    db,
    pipeline,
    close: () =>
      (closing ??= (async () => {
        await pipeline.stop(config.SHUTDOWN_TIMEOUT_MS);
        await db.close();
      })()),
  };
}

/** Names our Postgres sessions (pg_stat_activity) unless the URL already does. */
export function withApplicationName(url: string | undefined, name: string): string | undefined {
  if (!url || new URL(url).searchParams.has('application_name')) return url;
  // Appended as text: re-serialising the query would turn other parameters' %20 into '+'.
  const [base, hash] = url.split('#', 2);
  const joined = `${base}${base?.includes('?') ? '&' : '?'}application_name=${encodeURIComponent(name)}`;
  return hash === undefined ? joined : `${joined}#${hash}`;
}
