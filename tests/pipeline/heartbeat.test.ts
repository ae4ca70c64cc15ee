/** The worker heartbeat: written only while its checks pass, so a stale file means trouble. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHeartbeat } from '../../src/app/heartbeat.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-heartbeat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worker heartbeat', () => {
  it('writes the file when the checks pass and not when they fail', async () => {
    const file = path.join(dir, 'alive');
    let healthy = false;
    const failures: unknown[] = [];
    const stop = startHeartbeat(
      file,
      async () => {
        if (!healthy) throw new Error('redis down');
      },
      (err) => failures.push(err),
      20,
    );
    await expect.poll(() => failures.length).toBeGreaterThan(1);
    expect(existsSync(file)).toBe(false);
    healthy = true;
    // The time of the last good check (polled: a write may be under way).
    await expect
      .poll(() => (existsSync(file) ? Date.now() - Date.parse(readFileSync(file, 'utf8').trim()) : NaN))
      .toBeLessThan(60_000);
    stop();
    expect(String(failures[0])).toContain('redis down');
  });
});
