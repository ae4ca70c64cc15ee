/**
 * The pipeline queue on BullMQ: one BullMQ queue per stage under a key prefix, so any
 * number of worker processes on any number of hosts share the work through one Redis.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import {
  PermanentJobError,
  retryDelayMs,
  STAGES,
  type FailedJob,
  type JobHandler,
  type JobRetention,
  type NewJob,
  type PipelineQueue,
  type RetryPolicy,
  type ScheduleSpec,
  type Stage,
  type StageCounts,
  type WorkOptions,
} from './queue.js';

export interface BullQueueOptions {
  url: string;
  prefix: string;
  retry: RetryPolicy;
  retention: JobRetention;
  /** Lock on a running job; a worker that dies loses its jobs to others after this. */
  lockMs: number;
  log: Logger;
  /** Redis CLIENT SETNAME for this process's connections. */
  connectionName?: string;
}

const BACKOFF_TYPE = 'hansard-watch';

export class BullPipelineQueue implements PipelineQueue {
  readonly kind = 'bullmq';
  /** Shared by the Queue objects (non-blocking commands); workers open their own. */
  readonly client: Redis;
  private readonly queues: Map<Stage, Queue>;
  private readonly workers: Worker[] = [];

  constructor(private readonly options: BullQueueOptions) {
    this.client = this.connect('queue');
    this.client.on('error', (err: Error) => options.log.warn({ err: err.message }, 'redis connection error'));
    this.queues = new Map(STAGES.map((stage) => [stage, this.makeQueue(stage)]));
  }

  /** The BullMQ queues, for Bull Board. */
  bullQueues(): Queue[] {
    return [...this.queues.values()];
  }

  async add(jobs: readonly NewJob[]): Promise<void> {
    for (const stage of STAGES) {
      const batch = jobs.filter((j) => j.stage === stage);
      if (batch.length === 0) continue;
      await this.queue(stage).addBulk(
        batch.map((j) => ({
          name: stage,
          data: j.data,
          opts: {
            jobId: j.id,
            ...(j.priority !== undefined ? { priority: j.priority } : {}),
            ...(j.delayMs ? { delay: j.delayMs } : {}),
          },
        })),
      );
    }
  }

  work(stage: Stage, handler: JobHandler, options: WorkOptions): void {
    const { log, lockMs, retry } = this.options;
    const worker = new Worker(
      stage,
      (job: Job, _token?: string, signal?: AbortSignal) => this.process(stage, handler, job, signal),
      {
        connection: { url: this.options.url, ...this.connectionOptions(`worker-${stage}`) },
        prefix: this.options.prefix,
        concurrency: options.concurrency,
        lockDuration: lockMs,
        stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
        // A job whose worker died is handed on; only a job that keeps killing workers fails.
        maxStalledCount: 3,
        ...(options.limiter
          ? { limiter: { max: options.limiter.max, duration: options.limiter.durationMs } }
          : {}),
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
            retryDelayMs(attemptsMade, retry.backoffMs, err),
        },
      },
    );
    worker.on('error', (err: Error) => log.warn({ stage, err: err.message }, 'queue worker error'));
    worker.on('failed', (job: Job | undefined, err: Error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
      const fields = { stage, jobId: job.id, attempt: job.attemptsMade, err: err.message };
      if (final) log.error(fields, 'job failed');
      else log.warn(fields, 'job failed; will retry');
    });
    worker.on('stalled', (jobId: string) =>
      log.warn({ stage, jobId }, 'job stalled (its worker stopped); re-queued'),
    );
    this.workers.push(worker);
  }

  async schedule(stage: Stage, spec: ScheduleSpec): Promise<void> {
    const repeat = 'cron' in spec ? { pattern: spec.cron } : { every: spec.everyMs };
    await this.queue(stage).upsertJobScheduler(`${stage}-schedule`, repeat, {
      name: stage,
      data: { reason: 'schedule' },
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    });
  }

  /** Whether the stage's schedule is still in Redis (a Redis that lost its data lost it too). */
  async hasSchedule(stage: Stage): Promise<boolean> {
    return (await this.queue(stage).getJobScheduler(`${stage}-schedule`)) !== undefined;
  }

  async counts(): Promise<Record<Stage, StageCounts>> {
    const out = {} as Record<Stage, StageCounts>;
    for (const stage of STAGES) {
      const c = await this.queue(stage).getJobCounts(
        'waiting',
        'prioritized',
        'active',
        'delayed',
        'failed',
        'completed',
      );
      out[stage] = {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
      };
    }
    return out;
  }

  async failed(limit = 100): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const stage of STAGES) {
      for (const job of (await this.queue(stage).getFailed(0, limit - 1)) as Job[]) {
        out.push({
          stage,
          id: String(job.id),
          reason: job.failedReason,
          attempts: job.attemptsStarted,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
          data: job.data,
        });
      }
    }
    return out.sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0)).slice(0, limit);
  }

  async retry(id?: string): Promise<number> {
    let n = 0;
    for (const stage of STAGES) {
      const queue = this.queue(stage);
      const jobs =
        id === undefined
          ? ((await queue.getFailed()) as Job[])
          : [(await queue.getJob(id)) as Job | undefined];
      for (const job of jobs) {
        if (!job || (await job.getState()) !== 'failed') continue;
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        n++;
      }
    }
    return n;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(timeoutMs: number): Promise<void> {
    const graceful = Promise.allSettled(this.workers.map((w) => w.close()));
    const timedOut = await Promise.race([graceful.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      // Their locks lapse and another worker (or this one, restarted) takes the jobs up.
      this.options.log.warn({ timeoutMs }, 'shutdown timed out; abandoning running jobs to other workers');
      await Promise.allSettled(this.workers.map((w) => w.close(true)));
    }
    // Closing waits on Redis; if it is down, give up after a moment rather than hang.
    await Promise.race([Promise.allSettled([...this.queues.values()].map((q) => q.close())), sleep(2000)]);
    this.client.disconnect();
  }

  private async process(
    stage: Stage,
    handler: JobHandler,
    job: Job,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const log = this.options.log.child({ stage, jobId: job.id });
    try {
      return await handler({
        stage,
        id: String(job.id),
        data: job.data,
        attempt: Math.max(1, job.attemptsStarted),
        signal: signal ?? new AbortController().signal,
        log,
      });
    } catch (err) {
      if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  private makeQueue(stage: Stage): Queue {
    const { retry, retention, prefix } = this.options;
    const queue = new Queue(stage, {
      connection: this.client,
      prefix,
      defaultJobOptions: {
        attempts: retry.attempts,
        backoff: { type: BACKOFF_TYPE, delay: retry.backoffMs },
        removeOnComplete: {
          age: Math.ceil(retention.completedAgeMs / 1000),
          count: retention.completedCount,
        },
        removeOnFail: { count: retention.failedCount },
      },
    });
    queue.on('error', (err: Error) => this.options.log.warn({ stage, err: err.message }, 'queue error'));
    return queue;
  }

  private queue(stage: Stage): Queue {
    const q = this.queues.get(stage);
    if (!q) throw new Error(`unknown stage ${stage}`);
    return q;
  }

  private connect(role: string): Redis {
    return new Redis(this.options.url, this.connectionOptions(role));
  }

  private connectionOptions(role: string): {
    maxRetriesPerRequest: null;
    connectionName: string;
    retryStrategy: (times: number) => number;
  } {
    return {
      // BullMQ needs commands to wait for a reconnect rather than fail (workers block on Redis).
      maxRetriesPerRequest: null,
      connectionName: `${this.options.connectionName ?? 'hansard-watch'}-${role}`,
      retryStrategy: (times: number) => Math.min(2000, 100 * times),
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
