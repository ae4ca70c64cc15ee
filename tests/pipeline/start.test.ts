/**
 * `hansard-watch start` (what `npm start` runs, here from source) on a fresh machine: no
 * DATABASE_URL, no REDIS_URL, a temporary HW_DATA_DIR, pointed at the local pwdata
 * server (three light types of the week, to keep the suite fast: the full week goes
 * through end-state.test.ts). It polls, ingests them into embedded PGlite on the in-process queue, serves
 * the health endpoints and the admin API (which `hansard-watch status` uses), and stops
 * cleanly on SIGTERM, leaving a store equal to a direct ingest. With it stopped, the CLI
 * works on the same store by itself: a backfill, worked in-process, from a mirror directory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { storeDigest } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { runTs, type Child } from './children.js';
import type { FeedType } from '../../src/parliament/index.js';
import { corpusFiles, directDigest, GiveUp, ingestCounts, waitFor } from './harness.js';

/** Light types that still cover revisions and an unlisted file (wms) and a type with no changedates.txt (lordswms). */
const TYPES: FeedType[] = ['wms', 'lordswms', 'westminhall'];

describe.skipIf(!corpusAvailable())('start with nothing installed', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-start-'));
  let server: PwdataServer;
  let child: Child | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await child?.exited;
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('polls, ingests the feed into PGlite, serves /healthz, and shuts down cleanly', async () => {
    server = await startPwdataServer({ root: corpusDir });
    const env = {
      FEED_BASE_URL: server.url,
      FEED_TYPES: TYPES.join(','),
      FEED_MIN_INTERVAL_MS: '0',
      HW_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      QUEUE_BACKOFF_MS: '200',
    };
    const app = runTs('src/cli/main.ts', ['start'], env);
    child = app;
    const started = await waitFor(
      'the server to listen',
      async () => {
        if (app.proc.exitCode !== null) throw new GiveUp(`start exited: ${app.stderr()}`);
        return app.records.find((r) => r.msg === 'hansard-watch started');
      },
      60_000,
    );
    expect(started).toMatchObject({ store: 'pglite', queue: 'memory' });
    const base = String(started.address);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({
      status: 'ready',
      store: 'ok',
      queue: { kind: 'memory', status: 'ok' },
    });
    expect((await fetch(`${base}/admin/api/status`)).status).toBe(401);

    const files = corpusFiles(TYPES);
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    await waitFor(
      'the corpus to be ingested',
      async () => {
        if (app.proc.exitCode !== null) throw new GiveUp(`start exited: ${app.stderr()}`);
        if (ingestCounts(app.records).size < files.length) return false;
        const status = (await (
          await fetch(`${base}/admin/api/status`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { pending: { total: number } };
        return status.pending.total === 0;
      },
      150_000,
      500,
    );
    expect([...ingestCounts(app.records).values()].every((n) => n === 1)).toBe(true);

    // The CLI reaches the running embedded server for status (PGlite admits one process),
    // with PORT unset: it finds the server's port in HW_DATA_DIR/server.json.
    const port = new URL(base).port;
    const { PORT: _port, ...noPort } = env;
    const status = runTs('src/cli/main.ts', ['status'], noPort);
    expect(await status.exited, status.stderr()).toBe(0);
    expect(status.stdout()).toContain(
      `server       running at ${base} (PID ${app.proc.pid}, hansard-watch start)`,
    );
    expect(status.stdout()).toMatch(/^speeches +[1-9]\d*$/m);
    expect(status.stdout()).toMatch(/queue \(memory\)/);
    expect(status.stdout()).toMatch(/files pending 0/);
    expect(
      (await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);

    app.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.records.some((r) => r.msg === 'shut down cleanly')).toBe(true);

    // Against a direct ingest into Postgres: every table equal, except that PGlite's
    // full-text vectors differ from the server's, so paragraph_search is compared by count.
    const db = await openDb({ dataDir: path.join(dataDir, 'pglite') });
    try {
      const [got, want] = [await storeDigest(db), await directDigest(TYPES)];
      expect(withoutSearch(got)).toEqual(withoutSearch(want));
      expect(got.paragraph_search?.split(':')[0]).toBe(want.paragraph_search?.split(':')[0]);
    } finally {
      await db.close();
    }

    // Stopped, the CLI works on the same store by itself: a backfill, worked in-process.
    const offline = {
      ...env,
      FEED_BASE_URL: '',
      FEED_DIR: corpusDir,
      PORT: port,
      LOG_LEVEL: 'warn',
      BACKFILL_PER_MINUTE: '6000',
    };
    const backfill = runTs(
      'src/cli/main.ts',
      ['backfill', '--from', '2009-10-27', '--to', '2009-10-28', '--types', 'sp,wms'],
      offline,
    );
    expect(await backfill.exited, backfill.stderr()).toBe(0);
    // wms of those days is stored already; the Scottish Parliament was never polled.
    expect(backfill.stdout()).toMatch(/backfill b\w+: 1 file queued \(2 already stored\)/);
    expect(backfill.stdout()).toMatch(/in range: sp 1, wms 2/);
  }, 240_000);
});

function withoutSearch(digest: Record<string, string>): Record<string, string> {
  const { paragraph_search: _search, ...rest } = digest;
  return rest;
}
