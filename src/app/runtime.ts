/**
 * The composition root: the one place that builds the store, the queue, the feed, the
 * event bus with its subscribers, the tagger, alerts and the pipeline from configuration.
 * Every entry point comes through here: `start` and `serve` (processes.ts), the worker
 * (workers/main.ts), the CLI commands that open a store or the pipeline, the benchmarks.
 */
import type { Alerts } from '../alert/alerts.js';
import { alertsFromConfig } from '../alert/runtime.js';
import { parseLimits, type Config } from '../config.js';
import type { IngestBus } from '../events/ingest.js';
import { openFeed, type Feed, type FeedOptions } from '../feed/open-feed.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { openAppStore, type Role } from './store.js';
import { BullPipelineQueue } from '../pipeline/bullmq-queue.js';
import type { PipelineSettings } from '../pipeline/context.js';
import { MemoryQueue } from '../pipeline/memory-queue.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { JobRetention, PipelineQueue } from '../pipeline/queue.js';
import type { Tagger } from '../tag/index.js';
import { ingestBus, lazyTagger, subscribeAlerts, type IngestFeatures } from './subscriptions.js';

export interface Runtime {
  config: Config;
  db: Db;
  pipeline: Pipeline;
  events: IngestBus;
  /** Alerts matching and sending in this process (start, worker); null for the CLI. */
  alerts: Alerts | null;
  /** Stops alerts and the queue (waiting for running jobs up to SHUTDOWN_TIMEOUT_MS) and closes everything. */
  close(): Promise<void>;
}

export interface PipelineParts {
  db: Db;
  queue: PipelineQueue;
  feed: Feed;
  log: Logger;
  settings: PipelineSettings;
  /** The tagger for live ingests; by default the taxonomy and model under tags/, loaded on first use. */
  tagger?: Tagger | (() => Tagger);
  /** Alerts to subscribe to `speeches-ingested` (null: none). */
  alerts?: Alerts | null;
}

/**
 * A pipeline with its features subscribed: search indexing and tagging after every
 * ingest, alerts on every announcement. Tests and benchmarks that bring their own queue
 * or feed assemble their pipeline here too, so it behaves as the processes' does.
 */
export function assemblePipeline(parts: PipelineParts): { pipeline: Pipeline; events: IngestBus } {
  const features: IngestFeatures = { db: parts.db, tagger: parts.tagger ?? lazyTagger() };
  const events = ingestBus(features);
  if (parts.alerts) subscribeAlerts(events, parts.alerts);
  const { db, queue, feed, log, settings } = parts;
  return { pipeline: new Pipeline({ db, queue, feed, log, settings, events }), events };
}

export function feedOptionsFromConfig(config: Config, log: Logger): FeedOptions {
  return {
    baseUrl: config.FEED_BASE_URL,
    dir: config.FEED_DIR,
    minIntervalMs: config.FEED_MIN_INTERVAL_MS,
    timeoutMs: config.FEED_TIMEOUT_MS,
    userAgent: config.FEED_USER_AGENT,
    log,
  };
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

export interface RuntimeOptions {
  /** Build alerts (always on in long-running processes: defaults fill what is unset). */
  alerts?: boolean;
}

export async function openRuntime(
  config: Config,
  log: Logger,
  role: Exclude<Role, 'serve'>,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const db = await openAppStore(config, role);
  const queue = queueFromConfig(config, log, role);
  const feed = openFeed(feedOptionsFromConfig(config, log));
  const alerts = options.alerts ? alertsFromConfig(config, db, log) : null;
  const { pipeline, events } = assemblePipeline({
    db,
    queue,
    feed,
    log,
    settings: settingsFromConfig(config),
    alerts,
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    db,
    pipeline,
    events,
    alerts,
    close: () =>
      (closing ??= (async () => {
        await alerts?.close();
        await pipeline.stop(config.SHUTDOWN_TIMEOUT_MS);
        await db.close();
      })()),
  };
}
