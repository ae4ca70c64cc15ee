/**
 * The queue the pipeline runs on, as an interface with two implementations: BullMQ on
 * Redis (several worker processes share it) and an in-process queue (the embedded
 * default, no servers). Handlers are written once against this interface, so both run
 * exactly the same pipeline.
 */
import type { Logger } from '../log.js';

export const STAGES = ['poll', 'fetch', 'ingest', 'speeches-ingested'] as const;
export type Stage = (typeof STAGES)[number];

export interface JobContext<D = unknown> {
  stage: Stage;
  id: string;
  data: D;
  /** 1 on the first try; counts tries started, including ones a killed worker never finished. */
  attempt: number;
  /** Aborted when a shutdown gives up waiting for the job. */
  signal: AbortSignal;
  log: Logger;
}

export type JobHandler<D = unknown> = (job: JobContext<D>) => Promise<unknown>;

export interface NewJob<D = unknown> {
  stage: Stage;
  /** Idempotency key: adding an id the queue still holds (in any state) does nothing. */
  id: string;
  data: D;
  /** Lower runs sooner; omitted = before every prioritised job (live work ahead of backfill). */
  priority?: number;
  delayMs?: number;
}

export interface WorkOptions {
  concurrency: number;
  /** At most `max` job starts per `durationMs`, across every process working this stage. */
  limiter?: { max: number; durationMs: number };
}

export type ScheduleSpec = { cron: string } | { everyMs: number };

export interface StageCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FailedJob {
  stage: Stage;
  id: string;
  reason: string;
  attempts: number;
  failedAt: Date | null;
  data: unknown;
}

export interface JobRetention {
  /** Completed jobs are kept this long so their ids keep deduplicating re-adds. */
  completedAgeMs: number;
  completedCount: number;
  /** Failed jobs kept for a human (`hansard-watch jobs retry`). */
  failedCount: number;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export interface PipelineQueue {
  readonly kind: 'bullmq' | 'memory';
  add(jobs: readonly NewJob[]): Promise<void>;
  /** Starts consuming `stage` in this process. */
  work(stage: Stage, handler: JobHandler, options: WorkOptions): void;
  /** Repeats a `poll` job on `spec` (replacing any earlier schedule). */
  schedule(stage: Stage, spec: ScheduleSpec): Promise<void>;
  /** Whether the schedule is still installed (a Redis that lost its data lost it too). */
  hasSchedule(stage: Stage): Promise<boolean>;
  counts(): Promise<Record<Stage, StageCounts>>;
  failed(limit?: number): Promise<FailedJob[]>;
  /** Retries one failed job by id, or every failed job when id is omitted; returns how many. */
  retry(id?: string): Promise<number>;
  /** Throws when the queue's backing service is unreachable (readiness). */
  ping(): Promise<void>;
  /**
   * Stops taking jobs and waits up to `timeoutMs` for running ones; jobs still running
   * then are abandoned (BullMQ hands them to another worker once their lock lapses; the
   * in-process queue's are re-listed from Postgres by the next poll). Closes connections.
   */
  close(timeoutMs: number): Promise<void>;
}

/** A failure no retry can fix (a file of the wrong kind, say): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/** Delay before try `attempt + 1` (attempt counts from 1): doubling with half jitter, capped, at least Retry-After. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  err?: unknown,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  const delay = Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  const asked = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof asked === 'number' && asked > delay ? asked : delay;
}

const MAX_BACKOFF_MS = 15 * 60_000;
