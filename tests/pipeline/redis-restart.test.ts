/**
 * Redis killed mid-run and started again empty (no persistence): every queued and
 * running job and the poll schedule are gone. Postgres still lists the unfinished files,
 * so once the pipeline sees the schedule missing it reinstalls it and re-enqueues them;
 * the store ends exact, each file written once.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { freePort, startRedis, stopProcess } from './children.js';
import {
  buildPipeline,
  captureLog,
  caughtUp,
  corpusFiles,
  directDigest,
  ingestCounts,
  releaseOverTime,
  sleep,
  SUBSET,
  waitFor,
} from './harness.js';

describe.skipIf(!corpusAvailable())('Redis restarted mid-run', () => {
  let redis: ChildProcess | undefined;
  let server: PwdataServer;
  let db: Db;
  let pipeline: Pipeline | undefined;

  afterAll(async () => {
    await pipeline?.stop(3000);
    if (redis) await stopProcess(redis);
    await db?.close();
    await server?.close();
  });

  it('loses no file and writes none twice', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    server = await startPwdataServer({ root: corpusDir, releaseOrder: 'manual' });
    db = await freshStore('postgres');
    const files = corpusFiles(SUBSET);
    const { log, records } = captureLog();
    pipeline = buildPipeline({
      db,
      feedUrl: server.url,
      types: SUBSET,
      log,
      // The default 30 s lock, not a short one: Redis comes back empty, so there is no stalled
      // job to recover, and a 2 s lock let a busy machine (load 12 on 2 cores) declare a
      // running ingest stalled and run it twice at once, which is at-least-once, not a loss.
      bull: { url: `redis://127.0.0.1:${port}`, prefix: 'hw' },
      everyMs: 250,
    });
    pipeline.startWorkers();
    await pipeline.startSchedule({ watchdogMs: 1000 });
    const releasing = releaseOverTime(server, 1, 200);

    // Kill Redis once a third of the files are in and others are on their way.
    await waitFor(
      'some files ingested',
      async () => ingestCounts(records).size >= files.length / 3,
      60_000,
      20,
    );
    await stopProcess(redis, 'SIGKILL');
    const before = ingestCounts(records).size;
    await sleep(1500);
    redis = await startRedis(port);
    await releasing.done;
    await waitFor('the pipeline to catch up', () => caughtUp(pipeline!, server, files.length), 90_000, 200);

    expect(before).toBeLessThan(files.length);
    expect(
      records.some(
        (r) =>
          r.msg === 'poll schedule missing (queue data lost?); reinstalling and re-enqueueing pending files',
      ),
    ).toBe(true);
    expect(await storeDigest(db)).toEqual(await directDigest(SUBSET));
    const counts = ingestCounts(records);
    expect([...counts.keys()].sort()).toEqual([...files].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 180_000);
});
