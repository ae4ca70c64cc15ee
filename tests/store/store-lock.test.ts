/**
 * The embedded store's lock file on its own: held once per process, its content complete,
 * released on release(); and when several processes find the same stale lock at once,
 * exactly one takes it over and the others are told who won.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireStoreLock, StoreLockedError } from '../../src/store/store-lock.js';
import { runTs } from '../pipeline/children.js';

describe('store lock', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is held once: a second acquire names this process, release frees it', () => {
    const file = path.join(dir, 'a.lock');
    const lock = acquireStoreLock(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      pid: process.pid,
      hostname: os.hostname(),
    });
    expect(() => acquireStoreLock(file)).toThrow(StoreLockedError);
    expect(() => acquireStoreLock(file)).toThrow(new RegExp(`in use by process ${process.pid} `));
    lock.release();
    expect(existsSync(file)).toBe(false);
    acquireStoreLock(file).release();
  });

  it('a stale lock found by four processes at once is taken over by exactly one', async () => {
    const file = path.join(dir, 'b.lock');
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    );
    writeFileSync(
      file,
      JSON.stringify({ pid: dead, command: 'gone', hostname: os.hostname(), acquiredAt: 'then' }),
    );
    const children = Array.from({ length: 4 }, () => runTs('tests/store/lock-child.ts', [file], {}));
    await Promise.all(children.map((c) => c.exited));
    const outs = children.map((c) => c.stdout().trim());
    const winners = children.filter((c) => c.stdout().startsWith('won'));
    expect(winners, outs.join(' | ') + children.map((c) => c.stderr()).join('')).toHaveLength(1);
    const winnerPid = winners[0]!.proc.pid;
    for (const c of children) if (c !== winners[0]) expect(c.stdout().trim()).toBe(`lost ${winnerPid}`);
    expect(winners[0]!.stdout().trim()).toBe(`won ${dead}`);
    expect(existsSync(file)).toBe(false);
  }, 60_000);
});
