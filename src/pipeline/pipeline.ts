/**
 * The live-feed pipeline: poll → fetch → ingest → speeches-ingested, on whichever queue it
 * is given. A process that calls `startWorkers()` works the stages; `startSchedule()`
 * installs the repeating poll (idempotent, so every process may call it).
 */
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { BullPipelineQueue } from './bullmq-queue.js';
import { makeDeps, type PipelineDeps, type PipelineSettings } from './context.js';
import type { IngestBus } from '../events/ingest.js';
import type { Feed } from '../feed/open-feed.js';
import { jobIds, type FetchJob, type IngestJob, type PollJob, type SpeechesJob } from './jobs.js';
import type { JobContext, PipelineQueue } from './queue.js';
import { runFetch } from './stages/fetch.js';
import { runIngestStage } from './stages/ingest.js';
import { runPoll } from './stages/poll.js';
import { runSpeechesIngested } from './stages/speeches.js';

export interface PipelineOptions {
  db: Db;
  queue: PipelineQueue;
  feed: Feed;
  log: Logger;
  settings: PipelineSettings;
  /** The composition root's bus, its features subscribed (src/app/subscriptions.ts). */
  events: IngestBus;
}

export interface ScheduleOptions {
  /** Poll once straight away rather than waiting for the first tick. Default true. */
  pollNow?: boolean;
  /** How often to check the schedule survived (a Redis restart loses it). Default 30 s. */
  watchdogMs?: number;
}

export class Pipeline {
  readonly deps: PipelineDeps;
  private watchdog: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: PipelineOptions) {
    this.deps = makeDeps({
      ...options,
      log: options.log.child({ component: 'pipeline' }),
    });
  }

  get queue(): PipelineQueue {
    return this.deps.queue;
  }

  /** Makes this process a worker for every stage. */
  startWorkers(): void {
    const { queue, settings } = this.deps;
    const d = this.deps;
    queue.work('poll', (job) => runPoll(d, job as JobContext<PollJob>), { concurrency: 1 });
    queue.work('fetch', (job) => runFetch(d, job as JobContext<FetchJob>), {
      concurrency: settings.concurrency,
      limiter: { max: settings.fetchPerMinute, durationMs: 60_000 },
    });
    queue.work('ingest', (job) => runIngestStage(d, job as JobContext<IngestJob>), {
      concurrency: settings.concurrency,
    });
    queue.work('speeches-ingested', (job) => runSpeechesIngested(d, job as JobContext<SpeechesJob>), {
      concurrency: settings.concurrency,
    });
  }

  async startSchedule(options: ScheduleOptions = {}): Promise<void> {
    await this.deps.queue.schedule('poll', this.deps.settings.schedule);
    if (options.pollNow ?? true) await this.pollNow('startup');
    this.watchdog = setInterval(() => void this.ensureSchedule(), options.watchdogMs ?? 30_000);
    this.watchdog.unref();
    const { queue } = this.deps;
    // After Redis comes back (possibly empty), check at once rather than at the next tick.
    if (queue instanceof BullPipelineQueue) queue.client.on('ready', () => void this.ensureSchedule());
  }

  /** Queues a poll now; returns its job id. */
  async pollNow(reason: PollJob['reason'] = 'manual'): Promise<string> {
    const id = jobIds.poll(reason);
    await this.deps.queue.add([{ stage: 'poll', id, data: { reason } satisfies PollJob }]);
    return id;
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    await this.deps.queue.close(timeoutMs);
    await this.deps.feed.close();
  }

  /** Reinstalls a lost schedule and polls, which re-enqueues every pending file. */
  private async ensureSchedule(): Promise<void> {
    if (this.stopped) return;
    try {
      if (await this.deps.queue.hasSchedule('poll')) return;
      this.deps.log.warn(
        'poll schedule missing (queue data lost?); reinstalling and re-enqueueing pending files',
      );
      await this.deps.queue.schedule('poll', this.deps.settings.schedule);
      await this.pollNow('recovery');
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'schedule check failed');
    }
  }
}
