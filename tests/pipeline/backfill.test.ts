/**
 * Backfill: files older than the polls reach (FEED_SINCE) are listed from the directory
 * index, queued behind live work at a bounded rate, and ingested until the store equals
 * a direct ingest. (The `backfill` command itself is run in start.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startBackfill } from '../../src/pipeline/backfill.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import {
  buildPipeline,
  captureLog,
  caughtUp,
  corpusFiles,
  directDigest,
  dropPrefix,
  ingestCounts,
  redisUrl,
  SUBSET,
  uniquePrefix,
  waitFor,
} from './harness.js';

const SINCE = '2009-10-29';

describe.skipIf(!corpusAvailable())('backfill', () => {
  const prefix = uniquePrefix();
  let server: PwdataServer;
  let db: Db;
  let pipeline: Pipeline | undefined;

  afterAll(async () => {
    await pipeline?.stop(3000);
    await db?.close();
    await server?.close();
    await dropPrefix(prefix);
  });

  it('fills in history from the directory index, at a bounded rate, ending exact', async () => {
    server = await startPwdataServer({ root: corpusDir });
    db = await freshStore('postgres');
    const { log, records } = captureLog();
    const perMinute = 600; // one fetch every 100 ms
    const p = buildPipeline({
      db,
      feedUrl: server.url,
      types: SUBSET,
      log,
      bull: { url: redisUrl, prefix },
      since: SINCE,
      backfillPerMinute: perMinute,
    });
    pipeline = p;
    p.startWorkers();
    await p.startSchedule();
    const all = corpusFiles(SUBSET);
    const recent = all.filter((n) => n.includes(SINCE));
    await waitFor('the polls to catch up', () => caughtUp(p, server, recent.length), 60_000, 100);
    expect([...ingestCounts(records).keys()].sort()).toEqual([...recent].sort());

    const t0 = Date.now();
    const plan = await startBackfill(p.deps, { from: '2009-10-01', to: '2009-10-28', types: SUBSET });
    expect(plan.added).toBe(all.length - recent.length);
    expect(plan.skippedKnown).toBe(0);
    expect(Object.values(plan.perType).reduce((a, b) => a + b, 0)).toBe(all.length - recent.length);
    const progress: number[] = [];
    await waitFor(
      'the backfill to finish',
      async () => {
        progress.push(await p.deps.cursors.pendingCount(plan.batch));
        return progress.at(-1) === 0 && caughtUp(p, server, all.length);
      },
      60_000,
      100,
    );
    // Progress went down step by step, and the fetches kept their spacing.
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress.every((n, i) => i === 0 || n <= progress[i - 1]!)).toBe(true);
    const fetchTimes = server.requests
      .filter((r) => r.path.endsWith('.xml') && r.at >= t0)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(fetchTimes).toHaveLength(plan.added);
    expect(fetchTimes.at(-1)! - fetchTimes[0]!).toBeGreaterThanOrEqual(
      ((plan.added - 1) * 60_000) / perMinute - 200,
    );

    expect(await storeDigest(db)).toEqual(await directDigest(SUBSET));
    expect([...ingestCounts(records).values()].every((n) => n === 1)).toBe(true);

    // Again: everything is stored, so nothing is queued.
    expect((await startBackfill(p.deps, { from: '2009-10-01', types: SUBSET })).added).toBe(0);
  }, 120_000);
});
