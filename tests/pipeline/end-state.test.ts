/**
 * The whole shared week, released by the local pwdata server over time in changedates
 * order, through BullMQ on the real Redis into a real Postgres: every file is ingested
 * exactly once, the store ends as a direct ingest leaves it, and a file is only ever
 * downloaded whole once; every later request for it is conditional and answered 304.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackfill } from '../../src/pipeline/backfill.js';
import type { SpeechesIngested } from '../../src/events/ingest.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest } from '../support/db.js';
import { startPwdataServer, type PwdataServer, type RequestRecord } from '../support/pwdata-server.js';
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
  uniquePrefix,
  waitFor,
  type LogRecord,
} from './harness.js';

const ALL_TYPES = [
  'debates',
  'westminhall',
  'lordspages',
  'wms',
  'lordswms',
  'wrans',
  'lordswrans',
  'sp',
  'sp-written',
  'ni',
  'standing',
];

describe.skipIf(!corpusAvailable())('the shared week through BullMQ, released over time', () => {
  const prefix = uniquePrefix();
  let server: PwdataServer;
  let db: Db;
  let pipeline: Pipeline;
  let records: LogRecord[];
  const events: SpeechesIngested[] = [];
  const files = corpusFiles();

  beforeAll(async () => {
    server = await startPwdataServer({ root: corpusDir, releaseOrder: 'manual' });
    db = await freshStore('postgres');
    const captured = captureLog();
    records = captured.records;
    pipeline = buildPipeline({
      db,
      feedUrl: server.url,
      types: ALL_TYPES,
      log: captured.log,
      bull: { url: redisUrl, prefix },
      everyMs: 300,
    });
    pipeline.deps.events.on('speeches-ingested', 'test', async (event) => void events.push(event));
    pipeline.startWorkers();
    await pipeline.startSchedule();
    const releasing = releaseOverTime(server, 4, 300);
    await releasing.done;
    await waitFor('the pipeline to catch up', () => caughtUp(pipeline, server, files.length), 120_000, 200);
  }, 180_000);

  afterAll(async () => {
    await pipeline?.stop(5000);
    await db?.close();
    await server?.close();
    await dropPrefix(prefix);
  });

  it('ends in the same store state as a direct ingest of the corpus', async () => {
    expect(files).toHaveLength(59);
    expect(await storeDigest(db)).toEqual(await directDigest());
  }, 60_000);

  it('ingests each file version exactly once', async () => {
    const counts = ingestCounts(records);
    expect([...counts.keys()].sort()).toEqual([...files].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await pipeline.queue.failed()).toEqual([]);
  });

  it('downloads each file whole once and only asks conditionally afterwards', async () => {
    const before = xmlRequests(server.requests).length;
    // Ask for everything again, as a backfill over what is stored does: all conditional.
    const plan = await startBackfill(pipeline.deps, { from: '2009-01-01', types: ALL_TYPES, force: true });
    expect(plan.added).toBe(files.length);
    await waitFor('the re-check to finish', () => caughtUp(pipeline, server, files.length), 60_000, 200);
    const byPath = groupByPath(xmlRequests(server.requests));
    expect(byPath.size).toBe(files.length);
    for (const [p, reqs] of byPath) {
      const full = reqs.filter((r) => r.status === 200);
      expect(full, p).toHaveLength(1);
      const later = reqs.slice(reqs.indexOf(full[0]!) + 1);
      expect(later.length, p).toBeGreaterThanOrEqual(1);
      for (const r of later) {
        expect(r.ifNoneMatch ?? r.ifModifiedSince, `${p} re-requested unconditionally`).toBeDefined();
        expect(r.status, p).toBe(304);
      }
    }
    expect(xmlRequests(server.requests).length - before).toBe(files.length);
    expect(server.requestsFor('members/people.json').map((r) => r.status)).toEqual([200]);
    // Polling changedates.txt is conditional too, after each type's first listing.
    for (const type of ALL_TYPES) {
      const listings = server.requestsFor(`scrapedxml/${type}/changedates.txt`);
      expect(
        listings.slice(1).every((r) => r.ifNoneMatch !== undefined),
        type,
      ).toBe(true);
    }
    expect([...ingestCounts(records).values()].every((n) => n === 1)).toBe(true);
  }, 90_000);

  it('announces new and changed speeches once per ingested file version, through the hook', async () => {
    const keys = events.map((e) => `${e.name}@${e.checksum}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(events.every((e) => !e.replay && e.changedSpeechGids.length > 0)).toBe(true);
    const announced = new Set(events.flatMap((e) => e.changedSpeechGids));
    const stored = await db.query<{ gid: string }>('SELECT gid FROM speeches');
    // Every stored speech was announced when its version arrived, unless an identical
    // speech of an earlier version of its day had been announced already.
    const unannounced = stored.filter((s) => !announced.has(s.gid));
    expect(unannounced.length).toBeLessThan(stored.length / 2);
    expect(announced.size).toBeGreaterThan(7942 * 0.5);
  });
});

function xmlRequests(requests: readonly RequestRecord[]): RequestRecord[] {
  return requests.filter((r) => r.path.endsWith('.xml'));
}

function groupByPath(requests: readonly RequestRecord[]): Map<string, RequestRecord[]> {
  const out = new Map<string, RequestRecord[]>();
  for (const r of requests) out.set(r.path, [...(out.get(r.path) ?? []), r]);
  return out;
}
