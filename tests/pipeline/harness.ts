/**
 * Shared machinery for the pipeline tests: real Redis and Postgres, the local pwdata
 * server, a pipeline wired to them with short timings, structured-log capture (the tests
 * count ingests from the pipeline's own 'ingest done' lines), and the reference store
 * state from a direct ingest of the same files.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { ingestBatch } from '../../src/app/ingest.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import type { FeedType } from '../../src/parliament/index.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { loadMembersFile } from '../../src/member/member-service.js';
import { BullPipelineQueue } from '../../src/pipeline/bullmq-queue.js';
import { openFeed } from '../../src/feed/open-feed.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { runPoll, type PollOutcome } from '../../src/pipeline/stages/poll.js';
import { STAGES, type PipelineQueue } from '../../src/pipeline/queue.js';
import { assemblePipeline, RETENTION } from '../../src/app/runtime.js';
import type { Db } from '../../src/store/db.js';
import { corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest, type StoreKind } from '../support/db.js';
import type { PwdataServer } from '../support/pwdata-server.js';

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Types with revisions (debates), a file changedates.txt omits (wms) and no changedates.txt at all (lordswms). */
export const SUBSET: FeedType[] = ['debates', 'wms', 'lordswms'];

/**
 * Statements only an ingest transaction runs, as pg_stat_activity shows them: the bulk COPYs
 * and the per-file SQL functions (migration 010), or the older plain INSERT/DELETE forms.
 */
export const INGEST_SQL =
  /^\s*(COPY (headings|speeches|paragraphs|divisions|votes|gid_redirects\w*) |SELECT ingest_(open_file|clear_day|close_file)\(|INSERT INTO (headings|speeches|paragraphs|divisions|votes|gid_redirects|feed_files|search_pending)|DELETE FROM (headings|speeches|paragraphs|divisions|votes|gid_redirects))/i;

export type LogRecord = Record<string, unknown> & { msg?: string; level?: number };

/** A logger whose JSON lines are kept for assertions (and echoed to stderr with HW_TEST_LOG=1). */
export function captureLog(level = 'info'): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const echo = process.env.HW_TEST_LOG === '1';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        records.push(JSON.parse(line) as LogRecord);
        if (echo) process.stderr.write(line + '\n');
      }
      done();
    },
  });
  return { log: pino({ level }, stream), records };
}

export function parseLogLines(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as LogRecord];
      } catch {
        return [];
      }
    });
}

/**
 * How many times each file was written into the store, from 'ingest done' lines: as the
 * current or an older version, or found already written by an attempt that died before
 * logging (replay).
 */
export function ingestCounts(records: readonly LogRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (r.msg !== 'ingest done' || (r.status !== 'current' && r.status !== 'superseded' && r.replay !== true))
      continue;
    const file = String(r.file);
    counts.set(file, (counts.get(file) ?? 0) + 1);
  }
  return counts;
}

export function uniquePrefix(): string {
  return `hwt${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under a BullMQ prefix (tests share the machine's Redis). */
export async function dropPrefix(prefix: string, url = redisUrl): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface HarnessOptions {
  db: Db;
  feedUrl: string;
  /** A pwdata mirror directory to read instead of feedUrl (FEED_DIR). */
  feedDir?: string;
  types: readonly string[];
  log: Logger;
  /** BullMQ on this Redis under `prefix`; omitted = the in-process queue. */
  bull?: { url: string; prefix: string; lockMs?: number };
  everyMs?: number;
  concurrency?: number;
  attempts?: number;
  backoffMs?: number;
  feedAttempts?: number;
  feedTimeoutMs?: number;
  since?: string;
  backfillPerMinute?: number;
}

/** A pipeline with test timings: fast polls and backoff, no request spacing (local server). */
export function buildPipeline(o: HarnessOptions): Pipeline {
  const retry = { attempts: o.attempts ?? 10, backoffMs: o.backoffMs ?? 100 };
  const queue: PipelineQueue = o.bull
    ? new BullPipelineQueue({
        url: o.bull.url,
        prefix: o.bull.prefix,
        retry,
        retention: RETENTION,
        lockMs: o.bull.lockMs ?? 30_000,
        log: o.log,
        connectionName: 'hw-test',
      })
    : new MemoryQueue({ retry, retention: RETENTION, log: o.log });
  const feed = openFeed({
    baseUrl: o.feedUrl,
    dir: o.feedDir,
    minIntervalMs: 0,
    timeoutMs: o.feedTimeoutMs ?? 5000,
    attempts: o.feedAttempts ?? 3,
    baseDelayMs: 20,
    log: o.log,
  });
  return assemblePipeline({
    db: o.db,
    queue,
    feed,
    log: o.log,
    settings: {
      types: o.types,
      since: o.since,
      peopleRefreshHours: 24,
      backfillPerMinute: o.backfillPerMinute ?? 6000,
      concurrency: o.concurrency ?? 2,
      fetchPerMinute: 100_000,
      schedule: { everyMs: o.everyMs ?? 250 },
    },
  }).pipeline;
}

/** The store a direct ingest of the corpus (members first, as `hansard-watch ingest` does) ends in. */
export async function directDigest(
  types?: readonly FeedType[],
  kind: StoreKind = 'postgres',
): Promise<Record<string, string>> {
  const db = await freshStore(kind);
  try {
    await loadMembersFile(
      new MemberRepository(db),
      path.join(corpusDir, 'members', 'people.json'),
      pino({ level: 'silent' }),
    );
    const people = await new MemberRepository(db).load();
    const files = listSourceFiles(corpusDir, types ? { types: [...types] } : {});
    const summary = await ingestBatch(db, files, { workers: 0, people, log: pino({ level: 'silent' }) });
    if (summary.failed.length > 0) throw new Error(`direct ingest failed: ${JSON.stringify(summary.failed)}`);
    return await storeDigest(db);
  } finally {
    await db.close();
  }
}

/** Files of the corpus for `types` (what the pipeline should end up having ingested). */
export function corpusFiles(types?: readonly FeedType[]): string[] {
  return listSourceFiles(corpusDir, types ? { types: [...types] } : {}).map((f) => f.name);
}

/** Thrown inside a waitFor condition to stop waiting at once (e.g. a job failed for good). */
export class GiveUp extends Error {}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Releases the server's timeline `perStep` entries every `stepMs` until all are out (or stopped). */
export function releaseOverTime(
  server: PwdataServer,
  perStep: number,
  stepMs: number,
): { done: Promise<void>; stop(): void } {
  let stopped = false;
  const done = (async () => {
    while (!stopped && server.released() < server.timeline.length) {
      server.release(perStep);
      await sleep(stepMs);
    }
  })();
  return { done, stop: () => void (stopped = true) };
}

/**
 * The pipeline has caught up: every timeline entry released, nothing pending in Postgres,
 * and no fetch/ingest job waiting, running or delayed.
 */
export async function caughtUp(
  pipeline: Pipeline,
  server: PwdataServer,
  expectedFiles: number,
): Promise<boolean> {
  if (server.released() < server.timeline.length) return false;
  const [row] = await pipeline.deps.db.query<{ pending: number; done: number }>(
    `SELECT (SELECT count(*) FROM feed_pending)::int AS pending, (SELECT count(*) FROM feed_versions)::int AS done`,
  );
  if (row?.pending !== 0 || row.done !== expectedFiles) return false;
  const counts = await pipeline.queue.counts();
  const failed = (await pipeline.queue.failed()).filter((f) => f.stage !== 'poll');
  if (failed.length > 0)
    throw new GiveUp(`jobs failed: ${failed.map((f) => `${f.id}: ${f.reason}`).join('; ')}`);
  // Poll is left out: its schedule always holds the next tick.
  return STAGES.filter((s) => s !== 'poll').every(
    (s) => counts[s].active + counts[s].delayed + counts[s].waiting === 0,
  );
}

/** Runs one poll in this process, as the queue's poll worker would, and returns what it reports. */
export function pollOnce(pipeline: Pipeline, log: Logger): Promise<PollOutcome> {
  return runPoll(pipeline.deps, {
    stage: 'poll',
    id: `poll-test-${Date.now()}`,
    data: { reason: 'manual' },
    attempt: 1,
    signal: new AbortController().signal,
    log,
  });
}
