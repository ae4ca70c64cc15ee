/**
 * Operating a shared (Redis + Postgres) deployment from the CLI: a file the feed keeps
 * refusing ends as a failed job; `hansard-watch status` shows cursors, queue depths and
 * the failed job with its reason and the retry command; once the feed is healthy again,
 * `hansard-watch jobs retry <id>` finishes the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, testDatabaseUrl } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { runTs } from './children.js';
import {
  buildPipeline,
  captureLog,
  caughtUp,
  corpusFiles,
  dropPrefix,
  redisUrl,
  uniquePrefix,
  waitFor,
} from './harness.js';

const BROKEN = 'scrapedxml/wms/ministerial2009-10-27a.xml';

describe.skipIf(!corpusAvailable())('operations from the CLI', () => {
  const prefix = uniquePrefix();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-ops-'));
  let server: PwdataServer;
  let db: Db & { schema: string };
  let pipeline: Pipeline | undefined;

  afterAll(async () => {
    await pipeline?.stop(3000);
    await db?.close();
    await server?.close();
    await dropPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists a failed job with its reason, and retries it by id', async () => {
    server = await startPwdataServer({
      root: corpusDir,
      faults: [{ path: BROKEN, action: { kind: 'status', status: 404 } }],
    });
    db = await freshStore('postgres');
    const { log } = captureLog();
    const p = buildPipeline({
      db,
      feedUrl: server.url,
      types: ['wms'],
      log,
      bull: { url: redisUrl, prefix },
      attempts: 2,
      backoffMs: 50,
    });
    pipeline = p;
    p.startWorkers();
    await p.startSchedule();
    const files = corpusFiles(['wms']);
    await waitFor(
      'the broken file to fail for good',
      async () => (await p.queue.failed()).length === 1,
      30_000,
      100,
    );
    await waitFor(
      'the others to be in',
      async () => (await db.query('SELECT 1 FROM feed_versions')).length === files.length - 1,
      30_000,
      100,
    );

    const env = {
      DATABASE_URL: `${testDatabaseUrl}?application_name=hwops${randomBytes(3).toString('hex')}&options=-c%20search_path%3D${db.schema}`,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      FEED_BASE_URL: server.url,
      FEED_TYPES: 'wms',
      HW_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    const status = runTs('src/cli/main.ts', ['status'], env);
    expect(await status.exited, status.stderr()).toBe(1); // failed jobs make status exit non-zero
    const out = status.stdout();
    expect(out).toMatch(
      /wms\s+cursor 2009-10-30T\d\d:\d\d:\d\d.000Z \(ministerial2009-10-29a.xml\); 1 pending; ok/,
    );
    expect(out).toMatch(/queue \(bullmq\)/);
    expect(out).toMatch(/fetch\s+0\s+0\s+0\s+1\s+\d+/);
    expect(out).toMatch(
      /fetch-wms-ministerial2009-10-27a.xml-\d+ \(fetch, 2 attempts, [^)]+\): Not found \(404\)/,
    );
    expect(out).toMatch(/retry with: hansard-watch jobs retry --all/);

    const failed = runTs('src/cli/main.ts', ['jobs', 'failed', '--json'], env);
    expect(await failed.exited).toBe(0);
    const [job] = JSON.parse(failed.stdout()) as { id: string }[];
    expect(job?.id).toMatch(/^fetch-wms-ministerial2009-10-27a\.xml-/);

    server.clearFaults();
    const retry = runTs('src/cli/main.ts', ['jobs', 'retry', job!.id], env);
    expect(await retry.exited, retry.stderr()).toBe(0);
    expect(retry.stdout()).toBe('retried 1 job\n');
    await waitFor('the retried file to be in', () => caughtUp(p, server, files.length), 30_000, 100);
    expect(await p.queue.failed()).toEqual([]);
  }, 90_000);
});
