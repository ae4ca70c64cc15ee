/**
 * A worker process's Postgres connections terminated (pg_terminate_backend) while its
 * ingests are inside their transactions, several times over. Each interrupted transaction
 * rolls back, its job fails and is retried with backoff on a fresh connection, the
 * process stays up, and the store ends exact.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest, testDatabaseUrl } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { runTs, type Child } from './children.js';
import {
  corpusFiles,
  directDigest,
  dropPrefix,
  GiveUp,
  INGEST_SQL,
  ingestCounts,
  redisUrl,
  sleep,
  SUBSET,
  uniquePrefix,
  waitFor,
} from './harness.js';

const KILLS = 3;

describe.skipIf(!corpusAvailable())('Postgres connections dropped mid-ingest', () => {
  const prefix = uniquePrefix();
  const appName = `hwdrop${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-drop-'));
  let server: PwdataServer;
  let db: Db & { schema: string };
  let worker: Child | undefined;

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await db?.close();
    await server?.close();
    await dropPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retries the interrupted ingests, stays up, and ends exact', async () => {
    server = await startPwdataServer({ root: corpusDir });
    db = await freshStore('postgres');
    const files = corpusFiles(SUBSET);
    worker = runTs('workers/main.ts', [], {
      DATABASE_URL: `${testDatabaseUrl}?application_name=${appName}&options=-c%20search_path%3D${db.schema}`,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      FEED_BASE_URL: server.url,
      FEED_TYPES: SUBSET.join(','),
      FEED_MIN_INTERVAL_MS: '0',
      QUEUE_BACKOFF_MS: '200',
      HW_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    const w = worker;

    const killed: string[] = [];
    const deadline = Date.now() + 60_000;
    while (killed.length < KILLS && Date.now() < deadline && w.proc.exitCode === null) {
      const rows = await db.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL AND state <> 'idle'`,
        [appName],
      );
      const victim = rows.find((r) => INGEST_SQL.test(r.query));
      if (!victim) {
        await sleep(2);
        continue;
      }
      // Every session of the worker, not just the one writing: the pool has to start over.
      await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        appName,
      ]);
      killed.push(victim.query.slice(0, 40));
      await sleep(300);
    }
    expect(killed).toHaveLength(KILLS);

    await waitFor(
      'the worker to finish the corpus',
      async () => {
        if (w.proc.exitCode !== null) throw new GiveUp(`worker exited: ${w.stderr().slice(-2000)}`);
        const [row] = await db.query<{ pending: number; done: number }>(
          'SELECT (SELECT count(*) FROM feed_pending)::int AS pending, (SELECT count(*) FROM feed_versions)::int AS done',
        );
        return row?.pending === 0 && row.done === files.length;
      },
      90_000,
      200,
    );
    expect(
      w.records.filter((r) => r.msg === 'job failed; will retry' && r.stage === 'ingest').length,
    ).toBeGreaterThanOrEqual(1);
    expect(await storeDigest(db)).toEqual(await directDigest(SUBSET));
    const counts = ingestCounts(w.records);
    expect([...counts.keys()].sort()).toEqual([...files].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(w.proc.exitCode).toBeNull();
  }, 180_000);
});
