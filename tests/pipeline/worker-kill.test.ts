/**
 * Two worker processes (the real `workers/main.ts`) share one Redis and one Postgres; one
 * is SIGKILLed while one of its ingests has a transaction open. Postgres rolls the
 * transaction back; once the job's lock lapses the other worker takes it up again; the
 * store ends exact. The survivor is then stopped with SIGTERM and must exit cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
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
  SUBSET,
  uniquePrefix,
  waitFor,
} from './harness.js';

describe.skipIf(!corpusAvailable())('a worker SIGKILLed mid-ingest', () => {
  const children: Child[] = [];
  const prefix = uniquePrefix();
  const appName = `hwkill${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-kill-'));
  let server: PwdataServer;
  let db: Db & { schema: string };

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await db?.close();
    await server?.close();
    await dropPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has its job retried by another worker, and the result is exact', async () => {
    server = await startPwdataServer({ root: corpusDir });
    db = await freshStore('postgres');
    const files = corpusFiles(SUBSET);
    const env = (name: string): Record<string, string> => ({
      DATABASE_URL: `${testDatabaseUrl}?application_name=${name}&options=-c%20search_path%3D${db.schema}`,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      FEED_BASE_URL: server.url,
      FEED_TYPES: SUBSET.join(','),
      FEED_MIN_INTERVAL_MS: '0',
      QUEUE_LOCK_MS: '2000',
      QUEUE_BACKOFF_MS: '200',
      QUEUE_CONCURRENCY: '2',
      HW_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    // Two worker processes sharing one Redis and one Postgres.
    const workers = [`${appName}a`, `${appName}b`].map((name) => ({
      name,
      child: runTs('workers/main.ts', [], env(name)),
    }));
    children.push(...workers.map((w) => w.child));

    // Wait until one of them is inside an ingest transaction, then kill that process outright.
    const caught = await waitFor(
      'an ingest transaction in a worker',
      async () => {
        for (const w of workers)
          if (w.child.proc.exitCode !== null) throw new GiveUp(`worker exited early: ${w.child.stderr()}`);
        const rows = await db.query<{ pid: number; query: string; application_name: string }>(
          `SELECT pid, query, application_name FROM pg_stat_activity
            WHERE application_name = ANY($1) AND xact_start IS NOT NULL AND state <> 'idle'`,
          [workers.map((w) => w.name)],
        );
        return rows.find((r) => INGEST_SQL.test(r.query));
      },
      60_000,
      2,
    );
    const victim = workers.find((w) => w.name === caught.application_name)!.child;
    const survivor = workers.find((w) => w.name !== caught.application_name)!.child;
    victim.kill('SIGKILL');
    await victim.exited;
    const done = new Set(victim.records.filter((r) => r.msg === 'ingest done').map((r) => r.file));
    const interrupted = victim.records
      .filter((r) => r.msg === 'ingest start' && !done.has(r.file))
      .map((r) => String(r.file));
    expect(interrupted.length, `killed during ${caught.query.slice(0, 80)}`).toBeGreaterThan(0);
    // Postgres noticed the dead connection and rolled the transaction back.
    await waitFor(
      'the killed backend to go',
      async () =>
        (await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [caught.pid])).length === 0,
      10_000,
    );

    await waitFor(
      'the surviving worker to finish the corpus',
      async () => {
        if (survivor.proc.exitCode !== null) throw new GiveUp(`worker exited early: ${survivor.stderr()}`);
        const [row] = await db.query<{ pending: number; done: number }>(
          'SELECT (SELECT count(*) FROM feed_pending)::int AS pending, (SELECT count(*) FROM feed_versions)::int AS done',
        );
        return row?.pending === 0 && row.done === files.length;
      },
      90_000,
      200,
    );

    // The interrupted jobs were taken up again (their second start) by the survivor, not re-created.
    for (const file of interrupted) {
      const restarts = survivor.records.filter((r) => r.msg === 'ingest start' && r.file === file);
      expect(restarts.length, file).toBeGreaterThanOrEqual(1);
      expect(Math.max(...restarts.map((r) => Number(r.attempt))), file).toBeGreaterThanOrEqual(2);
    }
    expect(survivor.records.some((r) => typeof r.msg === 'string' && r.msg.includes('stalled'))).toBe(true);

    expect(await storeDigest(db)).toEqual(await directDigest(SUBSET));
    const counts = ingestCounts([...victim.records, ...survivor.records]);
    expect([...counts.keys()].sort()).toEqual([...files].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    // Graceful stop: SIGTERM lets running jobs finish, closes connections, exits 0.
    survivor.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    expect(survivor.records.some((r) => r.msg === 'shut down cleanly')).toBe(true);
  }, 180_000);
});
