/**
 * One process per embedded store, and the CLI beside a running server: real child
 * processes of the CLI from source, a temporary HW_DATA_DIR and no other environment.
 *
 * - After `ingest` of the mini fixture, `status` (no server) shows counts and the last
 *   ingest per type rather than "not polled yet".
 * - `serve` on a random port holds the store: a second process opening it fails at once,
 *   naming serve's PID; `status` with PORT unset finds serve through server.json and
 *   prints the counts; `speech` reads through it.
 * - A lock left by a process that is gone is taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, storeLockFile } from '../../src/store/db.js';
import { StoreLockedError } from '../../src/store/store-lock.js';
import { repoRoot, runTs, type Child } from '../pipeline/children.js';
import { GiveUp, waitFor } from '../pipeline/harness.js';

const fixture = path.join(repoRoot, 'tests', 'fixtures', 'pwdata-mini');

describe('embedded store: one process, and the CLI beside a running server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-embedded-'));
  const env = { HW_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  let serve: Child | undefined;
  let someGid = '';

  afterAll(async () => {
    serve?.kill('SIGKILL');
    await serve?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function cli(args: string[], extra: Record<string, string> = {}): Promise<Child> {
    const child = runTs('src/cli/main.ts', args, { ...env, ...extra });
    await child.exited;
    return child;
  }

  it('status after a full ingest shows counts and the last ingest, not "not polled yet"', async () => {
    const ingest = await cli(['ingest', '--source', fixture, '--workers', '0']);
    expect(ingest.proc.exitCode, ingest.stderr()).toBe(0);
    const speeches = Number(/speeches\s+(\d+)/.exec(ingest.stdout())?.[1]);
    expect(speeches).toBeGreaterThan(0);

    const status = await cli(['status']);
    const out = status.stdout();
    expect(out).toMatch(/^server {7}not running/m);
    expect(out).not.toMatch(/HOST:PORT/);
    expect(out).toMatch(new RegExp(`^speeches +${speeches}$`, 'm'));
    expect(out).toMatch(/^paragraphs +[1-9]\d*$/m);
    expect(out).toMatch(/^tags +\d+ on \d+ speeches$/m);
    expect(out).toMatch(/^subscriptions 0 active/m);
    expect(out).toMatch(/debates +.*not polled; last ingested \d{4}-\d\d-\d\dT/);
    expect(out).not.toMatch(/debates +.*not polled yet/);
    // The store is released when a command ends: this process may open it now.
    expect(existsSync(storeLockFile(path.join(dataDir, 'pglite')))).toBe(false);
    const db = await openDb({ dataDir: path.join(dataDir, 'pglite') });
    try {
      const [row] = await db.query<{ gid: string }>('SELECT gid FROM speeches ORDER BY gid LIMIT 1');
      someGid = row!.gid;
    } finally {
      await db.close();
    }
  }, 120_000);

  it('a second process fails at once naming the holder; status and speech reach the server on its port', async () => {
    const app = runTs('src/cli/main.ts', ['serve'], {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    serve = app;
    const started = await waitFor(
      'serve to listen',
      async () => {
        if (app.proc.exitCode !== null) throw new GiveUp(`serve exited: ${app.stderr()}`);
        return app.records.find((r) => r.msg === 'hansard-watch serving');
      },
      60_000,
    );
    const url = String(started.address);
    const pid = app.proc.pid!;
    const info = JSON.parse(readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { pid: number };
    expect(info.pid).toBe(pid);

    // This process: refused, naming serve's PID.
    const err = await openDb({ dataDir: path.join(dataDir, 'pglite') }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).holder.pid).toBe(pid);
    expect((err as Error).message).toMatch(new RegExp(`in use by process ${pid} \\(.*serve`));

    // Another CLI process that must open the store: fails with the same message.
    const migrate = await cli(['migrate']);
    expect(migrate.proc.exitCode).not.toBe(0);
    expect(migrate.stderr()).toMatch(new RegExp(`in use by process ${pid}`));

    // status with PORT unset (the default 3000 is not serve's port) finds serve via server.json.
    const status = await cli(['status']);
    expect(status.stderr()).not.toMatch(/in use by process/);
    expect(status.stdout()).toContain(`server       running at ${url} (PID ${pid}, hansard-watch serve)`);
    expect(status.stdout()).toMatch(/^speeches +[1-9]\d*$/m);
    expect(status.stdout()).toMatch(/^paragraphs +[1-9]\d*$/m);

    const speech = await cli(['speech', someGid, '--json']);
    expect(speech.proc.exitCode, speech.stderr()).toBe(0);
    expect((JSON.parse(speech.stdout()) as { gid: string }).gid).toBe(someGid);
    // Commands that need the queue say that serve works none, rather than a bare 404.
    const retry = await cli(['jobs', 'retry', '--all']);
    expect(retry.proc.exitCode).not.toBe(0);
    expect(retry.stderr()).toMatch(
      new RegExp(`PID ${pid}\\) is \`hansard-watch serve\`, which .* works no queue`),
    );
    const missing = await cli(['speech', 'uk.org.publicwhip/debate/1900-01-01a.1.1']);
    expect(missing.proc.exitCode).toBe(1);
    expect(missing.stderr()).toMatch(/No speech with gid/);

    app.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'server.json'))).toBe(false);
    expect(existsSync(storeLockFile(path.join(dataDir, 'pglite')))).toBe(false);
  }, 180_000);

  it('takes over a lock whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(gone.stdout.toString());
    const lockFile = storeLockFile(path.join(dataDir, 'pglite'));
    writeFileSync(
      lockFile,
      JSON.stringify({ pid: deadPid, command: 'node old', hostname: os.hostname(), acquiredAt: 'then' }),
    );
    let warned: number | undefined;
    const db = await openDb({
      dataDir: path.join(dataDir, 'pglite'),
      onStaleLock: (holder) => (warned = holder.pid),
    });
    try {
      expect(warned).toBe(deadPid);
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
      expect(await db.query('SELECT count(*)::int AS n FROM speeches')).toEqual([
        { n: expect.any(Number) as number },
      ]);
    } finally {
      await db.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  }, 60_000);
});
