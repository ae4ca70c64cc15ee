/**
 * The in-process queue: what the pipeline runs on when there is no REDIS_URL. It keeps
 * BullMQ's semantics that the handlers rely on (ids deduplicate while a job is held,
 * attempts with backoff, failed jobs kept and retryable, per-stage concurrency and rate
 * limit, a repeating poll) but nothing survives the process. That is safe because
 * Postgres, not the queue, records outstanding work: the first poll after a restart
 * re-enqueues every file still listed in feed_pending.
 */
import cron, { type ScheduledTask } from 'node-cron';
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

type State = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

interface MemoryJob {
  stage: Stage;
  id: string;
  data: unknown;
  priority: number | undefined;
  seq: number;
  state: State;
  started: number;
  failures: number;
  reason: string;
  finishedAt: number;
  timer: NodeJS.Timeout | undefined;
  abort: AbortController | undefined;
}

interface Worker {
  handler: JobHandler;
  options: WorkOptions;
  running: number;
  starts: number[];
  wake: NodeJS.Timeout | undefined;
}

export interface MemoryQueueOptions {
  retry: RetryPolicy;
  retention: JobRetention;
  log: Logger;
}

export class MemoryQueue implements PipelineQueue {
  readonly kind = 'memory';
  private readonly jobs = new Map<Stage, Map<string, MemoryJob>>(STAGES.map((s) => [s, new Map()]));
  private readonly workers = new Map<Stage, Worker>();
  private readonly schedules: (ScheduledTask | NodeJS.Timeout)[] = [];
  private readonly active = new Set<Promise<void>>();
  private seq = 0;
  private closing = false;

  constructor(private readonly options: MemoryQueueOptions) {}

  async add(jobs: readonly NewJob[]): Promise<void> {
    if (this.closing) return;
    for (const job of jobs) this.addOne(job);
  }

  work(stage: Stage, handler: JobHandler, options: WorkOptions): void {
    this.workers.set(stage, { handler, options, running: 0, starts: [], wake: undefined });
    this.pump(stage);
  }

  async schedule(stage: Stage, spec: ScheduleSpec): Promise<void> {
    const tick = (): void => {
      // Like a BullMQ scheduler: one tick's job at a time; a slow poll is not stacked up.
      const pending = [...this.stageJobs(stage).values()].some(
        (j) => j.state === 'waiting' || j.state === 'active',
      );
      if (!pending) this.addOne({ stage, id: `${stage}-${Date.now()}`, data: { reason: 'schedule' } });
    };
    if ('cron' in spec) {
      const task = cron.createTask(spec.cron, tick, { noOverlap: true });
      await task.start();
      this.schedules.push(task);
    } else {
      this.schedules.push(setInterval(tick, spec.everyMs));
    }
  }

  async hasSchedule(): Promise<boolean> {
    return this.schedules.length > 0;
  }

  async counts(): Promise<Record<Stage, StageCounts>> {
    const out = {} as Record<Stage, StageCounts>;
    for (const stage of STAGES) {
      const c: StageCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
      for (const job of this.stageJobs(stage).values()) c[job.state]++;
      out[stage] = c;
    }
    return out;
  }

  async failed(limit = 100): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const stage of STAGES)
      for (const j of this.stageJobs(stage).values())
        if (j.state === 'failed')
          out.push({
            stage,
            id: j.id,
            reason: j.reason,
            attempts: j.started,
            failedAt: new Date(j.finishedAt),
            data: j.data,
          });
    return out.sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0)).slice(0, limit);
  }

  async retry(id?: string): Promise<number> {
    let n = 0;
    for (const stage of STAGES)
      for (const j of this.stageJobs(stage).values()) {
        if (j.state !== 'failed' || (id !== undefined && j.id !== id)) continue;
        j.failures = 0;
        j.started = 0;
        this.enqueue(j);
        n++;
      }
    return n;
  }

  async ping(): Promise<void> {}

  async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    for (const s of this.schedules) {
      if ('destroy' in s) await s.destroy();
      else clearInterval(s);
    }
    for (const w of this.workers.values()) clearTimeout(w.wake);
    for (const stageJobs of this.jobs.values()) for (const j of stageJobs.values()) clearTimeout(j.timer);
    const settled = Promise.allSettled([...this.active]);
    const timedOut = await Promise.race([settled.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      for (const stageJobs of this.jobs.values())
        for (const j of stageJobs.values()) j.abort?.abort(new Error('shutdown'));
      await Promise.race([settled, sleep(1000)]);
    }
  }

  private stageJobs(stage: Stage): Map<string, MemoryJob> {
    const jobs = this.jobs.get(stage);
    if (!jobs) throw new Error(`unknown stage ${stage}`);
    return jobs;
  }

  private addOne(job: NewJob): void {
    const jobs = this.stageJobs(job.stage);
    if (jobs.has(job.id)) return;
    const entry: MemoryJob = {
      stage: job.stage,
      id: job.id,
      data: job.data,
      priority: job.priority,
      seq: this.seq++,
      state: 'waiting',
      started: 0,
      failures: 0,
      reason: '',
      finishedAt: 0,
      timer: undefined,
      abort: undefined,
    };
    jobs.set(job.id, entry);
    if (job.delayMs && job.delayMs > 0) this.delay(entry, job.delayMs);
    else this.enqueue(entry);
  }

  private enqueue(job: MemoryJob): void {
    job.state = 'waiting';
    this.pump(job.stage);
  }

  private delay(job: MemoryJob, ms: number): void {
    job.state = 'delayed';
    job.timer = setTimeout(() => {
      job.timer = undefined;
      this.enqueue(job);
    }, ms);
  }

  /** Starts as many waiting jobs of `stage` as concurrency and the rate limit allow. */
  private pump(stage: Stage): void {
    const worker = this.workers.get(stage);
    if (!worker || this.closing) return;
    while (worker.running < worker.options.concurrency) {
      const waitMs = this.limitWait(worker);
      if (waitMs > 0) {
        clearTimeout(worker.wake);
        worker.wake = setTimeout(() => this.pump(stage), waitMs);
        return;
      }
      const next = this.nextWaiting(stage);
      if (!next) return;
      worker.starts.push(Date.now());
      this.run(next, worker);
    }
  }

  private limitWait(worker: Worker): number {
    const limit = worker.options.limiter;
    if (!limit) return 0;
    const now = Date.now();
    while ((worker.starts[0] ?? Infinity) <= now - limit.durationMs) worker.starts.shift();
    if (worker.starts.length < limit.max) return 0;
    return (worker.starts[0] ?? now) + limit.durationMs - now;
  }

  /** Unprioritised jobs first, in order added; then by priority. */
  private nextWaiting(stage: Stage): MemoryJob | undefined {
    let best: MemoryJob | undefined;
    for (const j of this.stageJobs(stage).values()) {
      if (j.state !== 'waiting') continue;
      if (!best || rank(j) < rank(best) || (rank(j) === rank(best) && j.seq < best.seq)) best = j;
    }
    return best;
  }

  private run(job: MemoryJob, worker: Worker): void {
    job.state = 'active';
    job.started++;
    job.abort = new AbortController();
    worker.running++;
    const log = this.options.log.child({ stage: job.stage, jobId: job.id });
    const done = worker
      .handler({
        stage: job.stage,
        id: job.id,
        data: job.data,
        attempt: job.started,
        signal: job.abort.signal,
        log,
      })
      .then(
        () => this.finish(job, 'completed', ''),
        (err: unknown) => this.fail(job, err, log),
      )
      .finally(() => {
        worker.running--;
        this.active.delete(done);
        this.pump(job.stage);
      });
    this.active.add(done);
  }

  private fail(job: MemoryJob, err: unknown, log: Logger): void {
    job.failures++;
    const reason = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof PermanentJobError;
    if (this.closing) {
      // Abandoned by shutdown: nothing to record; Postgres still lists the work.
      job.state = 'waiting';
      return;
    }
    if (permanent || job.failures >= this.options.retry.attempts) {
      log.error({ err: reason, attempts: job.started }, 'job failed');
      this.finish(job, 'failed', reason);
      return;
    }
    const delayMs = retryDelayMs(job.failures, this.options.retry.backoffMs, err);
    log.warn({ err: reason, attempt: job.started, delayMs }, 'job failed; will retry');
    job.reason = reason;
    this.delay(job, delayMs);
  }

  private finish(job: MemoryJob, state: 'completed' | 'failed', reason: string): void {
    job.state = state;
    job.reason = reason;
    job.finishedAt = Date.now();
    job.abort = undefined;
    this.prune(job.stage, state);
  }

  /** Keeps finished jobs within the retention limits (oldest dropped first). */
  private prune(stage: Stage, state: 'completed' | 'failed'): void {
    const { completedAgeMs, completedCount, failedCount } = this.options.retention;
    const jobs = this.stageJobs(stage);
    const finished = [...jobs.values()]
      .filter((j) => j.state === state)
      .sort((a, b) => a.finishedAt - b.finishedAt);
    const keep = state === 'completed' ? completedCount : failedCount;
    const cutoff = state === 'completed' ? Date.now() - completedAgeMs : -Infinity;
    finished.forEach((j, i) => {
      if (i < finished.length - keep || j.finishedAt < cutoff) jobs.delete(j.id);
    });
  }
}

function rank(job: MemoryJob): number {
  return job.priority ?? 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
