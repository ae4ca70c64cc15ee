/**
 * The feed misbehaving: error statuses, Retry-After, timeouts, hangs, resets, and bodies
 * cut off mid-file (with a Content-Length that gives it away, and chunked so that only the
 * XML betrays it). Each run ends with the store exactly as a direct ingest leaves it and
 * every file written once: nothing lost, nothing duplicated, no half file stored.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest } from '../support/db.js';
import { startPwdataServer, type FaultRule, type PwdataServer } from '../support/pwdata-server.js';
import type { Db } from '../../src/store/db.js';
import {
  buildPipeline,
  captureLog,
  caughtUp,
  corpusFiles,
  directDigest,
  dropPrefix,
  ingestCounts,
  redisUrl,
  releaseOverTime,
  SUBSET,
  uniquePrefix,
  waitFor,
  type LogRecord,
} from './harness.js';

const files = corpusFiles(SUBSET);
let expected: Record<string, string> | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function run(
  faults: FaultRule[],
): Promise<{ server: PwdataServer; db: Db; pipeline: Pipeline; records: LogRecord[] }> {
  const server = await startPwdataServer({ root: corpusDir, releaseOrder: 'manual', faults });
  const db = await freshStore('postgres');
  const prefix = uniquePrefix();
  const { log, records } = captureLog();
  // Short client timeout and few client tries, so faults reach the queue's retries too.
  const pipeline = buildPipeline({
    db,
    feedUrl: server.url,
    types: SUBSET,
    log,
    bull: { url: redisUrl, prefix },
    feedTimeoutMs: 800,
    feedAttempts: 2,
    everyMs: 250,
  });
  cleanups.push(async () => {
    await pipeline.stop(3000);
    await db.close();
    await server.close();
    await dropPrefix(prefix);
  });
  pipeline.startWorkers();
  await pipeline.startSchedule();
  await releaseOverTime(server, 3, 250).done;
  await waitFor('the pipeline to catch up', () => caughtUp(pipeline, server, files.length), 90_000, 200);
  return { server, db, pipeline, records };
}

async function expectExact(db: Db, records: LogRecord[], pipeline: Pipeline): Promise<void> {
  expected ??= await directDigest(SUBSET);
  expect(await storeDigest(db)).toEqual(expected);
  const counts = ingestCounts(records);
  expect([...counts.keys()].sort()).toEqual([...files].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(await pipeline.queue.failed()).toEqual([]);
}

describe.skipIf(!corpusAvailable())('feed faults', () => {
  it('rides out 500s, 503s with Retry-After, timeouts, hangs and resets', async () => {
    const { db, records, pipeline, server } = await run([
      {
        path: /^scrapedxml\/debates\/debates2009-10-2[67]/,
        times: 6,
        action: { kind: 'status', status: 500 },
      },
      { path: /\.xml$/, times: 4, action: { kind: 'status', status: 503, retryAfter: '1' } },
      { path: /changedates\.txt$/, times: 4, action: { kind: 'status', status: 503 } },
      { path: 'members/people.json', times: 2, action: { kind: 'status', status: 500 } },
      { path: /debates2009-10-28/, times: 3, action: { kind: 'delay', ms: 2000 } },
      { path: /ministerial/, times: 2, action: { kind: 'hang' } },
      { path: /lordswms/, times: 2, action: { kind: 'reset' } },
    ]);
    const faulted = server.requests.filter((r) => r.fault !== null);
    expect(new Set(faulted.map((r) => r.fault))).toEqual(new Set(['status', 'delay', 'hang', 'reset']));
    expect(faulted.length).toBeGreaterThanOrEqual(20);
    await expectExact(db, records, pipeline);
  }, 150_000);

  it('detects bodies cut off mid-file, never stores them, and fetches the file whole later', async () => {
    const cut = [
      'scrapedxml/debates/debates2009-10-26b.xml',
      'scrapedxml/wms/ministerial2009-10-26a.xml',
      'scrapedxml/lordswms/lordswms2009-10-27a.xml',
    ];
    // More cuts per file than the client's own tries, so the queue's retry has to finish the job.
    const { db, records, pipeline, server } = await run([
      { path: cut[0], times: 3, action: { kind: 'truncate', declareFullLength: true } },
      { path: cut[1], times: 3, action: { kind: 'truncate', declareFullLength: false } },
      { path: cut[2], times: 3, action: { kind: 'truncate', keep: 4000, declareFullLength: false } },
    ]);
    for (const p of cut) {
      const statuses = server.requestsFor(p).map((r) => `${r.status}${r.fault ? `/${r.fault}` : ''}`);
      expect(statuses.slice(0, 3), p).toEqual(['200/truncate', '200/truncate', '200/truncate']);
      expect(statuses.at(-1), p).toBe('200');
      // What the store and the pipeline hold is the whole file, never a prefix of it.
      const whole = sha256(readFileSync(path.join(corpusDir, p)));
      const name = path.basename(p);
      const fetched = records
        .filter((r) => r.msg === 'file fetched' && r.file === name)
        .map((r) => String(r.checksum));
      expect(fetched, p).toEqual([whole.slice(0, 12)]);
      expect(await db.query('SELECT checksum FROM feed_files WHERE name = $1', [name])).toEqual([
        { checksum: whole },
      ]);
    }
    expect(records.some((r) => r.msg === 'job failed; will retry' && r.stage === 'fetch')).toBe(true);
    expect(await db.query('SELECT * FROM ingest_errors')).toEqual([]);
    expect(await db.query('SELECT checksum FROM feed_blobs')).toEqual([]);
    await expectExact(db, records, pipeline);
  }, 150_000);
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
