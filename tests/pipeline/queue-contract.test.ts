/**
 * The queue contract the handlers rely on, checked against both implementations (BullMQ
 * on the real Redis, and the in-process queue): ids deduplicate, failures are retried
 * with backoff and then kept with their reason, permanent failures are not retried,
 * failed jobs can be retried, live work runs ahead of prioritised backfill, the rate
 * limit holds, and closing waits for running jobs.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BullPipelineQueue } from '../../src/pipeline/bullmq-queue.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import { PermanentJobError, type JobContext, type PipelineQueue } from '../../src/pipeline/queue.js';
import { RETENTION } from '../../src/app/runtime.js';
import { dropPrefix, redisUrl, sleep, uniquePrefix, waitFor } from './harness.js';

const log = pino({ level: 'silent' });
type Kind = 'memory' | 'bullmq';

const opened: { queue: PipelineQueue; prefix?: string }[] = [];
afterEach(async () => {
  for (const { queue, prefix } of opened.splice(0)) {
    await queue.close(2000);
    if (prefix) await dropPrefix(prefix);
  }
});

function open(kind: Kind, attempts = 3): PipelineQueue {
  const retry = { attempts, backoffMs: 50 };
  if (kind === 'memory') {
    const queue = new MemoryQueue({ retry, retention: RETENTION, log });
    opened.push({ queue });
    return queue;
  }
  const prefix = uniquePrefix();
  const queue = new BullPipelineQueue({
    url: redisUrl,
    prefix,
    retry,
    retention: RETENTION,
    lockMs: 5000,
    log,
  });
  opened.push({ queue, prefix });
  return queue;
}

describe.each<Kind>(['memory', 'bullmq'])('%s queue', (kind) => {
  it('runs a job once per id, even when added again after it finished', async () => {
    const q = open(kind);
    const seen: string[] = [];
    q.work('fetch', async (job) => void seen.push(job.id), { concurrency: 2 });
    await q.add([
      { stage: 'fetch', id: 'fetch-a', data: {} },
      { stage: 'fetch', id: 'fetch-a', data: {} },
      { stage: 'fetch', id: 'fetch-b', data: {} },
    ]);
    await waitFor('two jobs', async () => seen.length === 2, 10_000, 20);
    await q.add([{ stage: 'fetch', id: 'fetch-a', data: {} }]);
    await sleep(300);
    expect(seen.sort()).toEqual(['fetch-a', 'fetch-b']);
    expect((await q.counts()).fetch.completed).toBe(2);
  });

  it('retries with backoff, then keeps the failed job with its reason; retry runs it again', async () => {
    const q = open(kind, 3);
    const attempts: number[] = [];
    let healthy = false;
    q.work(
      'ingest',
      async (job: JobContext) => {
        attempts.push(job.attempt);
        if (!healthy) throw new Error('store down');
      },
      { concurrency: 1 },
    );
    await q.add([{ stage: 'ingest', id: 'ingest-x', data: { file: 'x.xml' } }]);
    await waitFor('the job to fail for good', async () => (await q.failed()).length === 1, 10_000, 20);
    expect(attempts).toEqual([1, 2, 3]);
    const [failed] = await q.failed();
    expect(failed).toMatchObject({
      stage: 'ingest',
      id: 'ingest-x',
      reason: 'store down',
      attempts: 3,
      data: { file: 'x.xml' },
    });
    healthy = true;
    expect(await q.retry('ingest-x')).toBe(1);
    await waitFor(
      'the retried job to complete',
      async () => (await q.counts()).ingest.completed === 1,
      10_000,
      20,
    );
    expect(await q.failed()).toEqual([]);
    expect(await q.retry()).toBe(0);
  });

  it('fails a PermanentJobError at once', async () => {
    const q = open(kind, 5);
    let runs = 0;
    q.work(
      'fetch',
      async () => {
        runs++;
        throw new PermanentJobError('not a parlparse file');
      },
      { concurrency: 1 },
    );
    await q.add([{ stage: 'fetch', id: 'fetch-bad', data: {} }]);
    await waitFor('the job to fail', async () => (await q.failed()).length === 1, 10_000, 20);
    expect(runs).toBe(1);
    expect((await q.failed())[0]?.reason).toMatch(/not a parlparse file/);
  });

  it('runs live jobs ahead of prioritised backfill, and delays delayed ones', async () => {
    const q = open(kind);
    const order: string[] = [];
    await q.add([
      { stage: 'fetch', id: 'fetch-backfill-1', data: {}, priority: 10 },
      { stage: 'fetch', id: 'fetch-backfill-2', data: {}, priority: 10 },
      { stage: 'fetch', id: 'fetch-live', data: {} },
      { stage: 'fetch', id: 'fetch-later', data: {}, delayMs: 600 },
    ]);
    const started = Date.now();
    let laterAt = 0;
    q.work(
      'fetch',
      async (job) => {
        order.push(job.id);
        if (job.id === 'fetch-later') laterAt = Date.now() - started;
      },
      { concurrency: 1 },
    );
    await waitFor('all jobs', async () => order.length === 4, 10_000, 20);
    expect(order.slice(0, 3)).toEqual(['fetch-live', 'fetch-backfill-1', 'fetch-backfill-2']);
    expect(laterAt).toBeGreaterThanOrEqual(500);
  });

  it('holds the rate limit', async () => {
    const q = open(kind);
    const starts: number[] = [];
    q.work('fetch', async () => void starts.push(Date.now()), {
      concurrency: 4,
      limiter: { max: 2, durationMs: 500 },
    });
    await q.add([1, 2, 3, 4, 5].map((i) => ({ stage: 'fetch' as const, id: `fetch-${i}`, data: {} })));
    await waitFor('five jobs', async () => starts.length === 5, 10_000, 20);
    starts.sort((a, b) => a - b);
    // No three starts inside one window of 500 ms.
    for (let i = 2; i < starts.length; i++) expect(starts[i]! - starts[i - 2]!).toBeGreaterThanOrEqual(450);
  });

  it('lets a running job finish on close', async () => {
    const q = open(kind);
    let finished = false;
    q.work(
      'ingest',
      async () => {
        await sleep(400);
        finished = true;
      },
      { concurrency: 1 },
    );
    await q.add([{ stage: 'ingest', id: 'ingest-slow', data: {} }]);
    await waitFor('the job to start', async () => (await q.counts()).ingest.active === 1, 10_000, 10);
    await q.close(5000);
    expect(finished).toBe(true);
  });

  it('repeats a scheduled stage and reports the schedule', async () => {
    const q = open(kind);
    let polls = 0;
    q.work('poll', async () => void polls++, { concurrency: 1 });
    expect(await q.hasSchedule('poll')).toBe(false);
    await q.schedule('poll', { everyMs: 200 });
    expect(await q.hasSchedule('poll')).toBe(true);
    await waitFor('three polls', async () => polls >= 3, 10_000, 20);
  });

  it('repeats on a cron pattern (seconds field included)', async () => {
    const q = open(kind);
    const at: number[] = [];
    q.work('poll', async () => void at.push(Date.now()), { concurrency: 1 });
    await q.schedule('poll', { cron: '* * * * * *' });
    await waitFor('two cron ticks', async () => at.length >= 2, 10_000, 20);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(500);
  });
});
