/**
 * The shared week polled live, as the feed grows: files that no changedates.txt lists (one
 * wms file, and lordswms and lordswrans, which have no changedates.txt) appear only after
 * the first poll. Each is listed by a poll that starts after it appeared, and the store
 * ends with every speech of the week.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir, EXPECTED_SPEECHES } from '../support/corpus.js';
import { freshStore } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import {
  buildPipeline,
  captureLog,
  caughtUp,
  corpusFiles,
  releaseOverTime,
  waitFor,
  type LogRecord,
} from './harness.js';

const ALL_TYPES = Object.keys(EXPECTED_SPEECHES);

describe.skipIf(!corpusAvailable())('files no changedates.txt lists, appearing mid-run', () => {
  let server: PwdataServer | undefined;
  let db: Db | undefined;
  let pipeline: Pipeline | undefined;

  afterAll(async () => {
    await pipeline?.stop(5000);
    await db?.close();
    await server?.close();
  });

  it('are each listed by the first poll that starts after they appear; the week ends complete', async () => {
    server = await startPwdataServer({ root: corpusDir, releaseOrder: 'manual', unlisted: 'hidden' });
    db = await freshStore('postgres');
    const { log, records } = captureLog();
    const p = buildPipeline({ db, feedUrl: server.url, types: ALL_TYPES, log, everyMs: 300 });
    pipeline = p;
    const polls = (): number => records.filter((r: LogRecord) => r.msg === 'poll done').length;
    p.startWorkers();
    await p.startSchedule();
    await waitFor('the first poll', async () => polls() >= 1, 60_000);

    server.release(12);
    const unlisted = server.releaseUnlisted();
    const pollsAtRelease = polls();
    expect(unlisted).toContain('wms/ministerial2009-10-26c.xml');
    expect(unlisted.filter((f) => f.startsWith('lordswms/'))).toHaveLength(4);
    expect(unlisted.filter((f) => f.startsWith('lordswrans/'))).toHaveLength(4);
    expect(unlisted).toHaveLength(9);

    // A poll running now may have read the index before the release; the one after it cannot have.
    await waitFor('two more polls', async () => polls() >= pollsAtRelease + 2, 60_000);
    const known = await db.query<{ file: string }>(
      `SELECT type || '/' || name AS file FROM feed_pending UNION SELECT type || '/' || name FROM feed_versions`,
    );
    expect(known.map((r) => r.file)).toEqual(expect.arrayContaining(unlisted));
    expect(
      records.some((r) => r.msg === 'files missing from changedates.txt listed from the directory index'),
    ).toBe(true);

    await releaseOverTime(server, 4, 300).done;
    const files = corpusFiles();
    await waitFor('the pipeline to catch up', () => caughtUp(p, server!, files.length), 180_000, 250);

    const byType = await db.query<{ type: string; n: number }>(
      'SELECT type, count(*)::int AS n FROM speeches GROUP BY type',
    );
    expect(Object.fromEntries(byType.map((r) => [r.type, r.n]))).toEqual(EXPECTED_SPEECHES);
    expect(byType.reduce((sum, r) => sum + r.n, 0)).toBe(7942);
    expect(await p.queue.failed()).toEqual([]);
  }, 300_000);
});
