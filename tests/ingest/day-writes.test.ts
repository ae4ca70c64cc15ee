import { describe, expect, it } from 'vitest';
import { DayWrites } from '../../src/ingest/day-writes.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe('DayWrites', () => {
  it('writes at most the given number at once and keeps each day in queued order', async () => {
    const writes = new DayWrites(2);
    let active = 0;
    let peak = 0;
    const done: string[] = [];
    const job = (name: string) => async () => {
      active++;
      peak = Math.max(peak, active);
      await tick();
      await tick();
      done.push(name);
      active--;
    };
    const fail = async () => undefined;
    // Day a's second version is ready first; it must still wait for the first.
    let releaseA1!: () => void;
    const a1Ready = new Promise<void>((r) => (releaseA1 = r));
    const jobs = [
      writes.queue('a', a1Ready, job('a1'), fail),
      writes.queue('a', Promise.resolve(), job('a2'), fail),
      ...['b', 'c', 'd', 'e'].map((d) => writes.queue(d, Promise.resolve(), job(d), fail)),
    ];
    await tick();
    releaseA1();
    await Promise.all(jobs);
    expect(peak).toBe(2);
    expect(done).toHaveLength(6);
    expect(done.indexOf('a1')).toBeLessThan(done.indexOf('a2'));
  });

  it('hands a file that failed to prepare to fail, and carries on with the day', async () => {
    const writes = new DayWrites(1);
    const failed: unknown[] = [];
    const written: string[] = [];
    await Promise.all([
      writes.queue(
        'a',
        Promise.reject(new Error('truncated')),
        async () => void written.push('bad'),
        async (e) => void failed.push(e),
      ),
      writes.queue(
        'a',
        Promise.resolve('ok'),
        async (v) => void written.push(v),
        async () => undefined,
      ),
    ]);
    expect((failed[0] as Error).message).toBe('truncated');
    expect(written).toEqual(['ok']);
  });
});
