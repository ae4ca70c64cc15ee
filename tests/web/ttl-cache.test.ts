/** The cache behind tag profiles and search totals: shared while fresh, reloaded after, failures not kept. */
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/web/api/ttl-cache.js';

describe('TtlCache', () => {
  it('shares one load while fresh and loads again once stale', async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<number>(1000, 10, () => now);
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    now = 1000;
    expect(await cache.get('a', load)).toBe(1);
    now = 1001;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('forgets a failed load and drops the oldest entry when full', async () => {
    const cache = new TtlCache<string>(1000, 2, () => 0);
    await expect(cache.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('x', () => Promise.resolve('up'))).toBe('up');
    await cache.get('y', () => Promise.resolve('y1'));
    await cache.get('z', () => Promise.resolve('z1'));
    // 'x' was the oldest of three: loaded again.
    expect(await cache.get('x', () => Promise.resolve('again'))).toBe('again');
    expect(await cache.get('z', () => Promise.resolve('not again'))).toBe('z1');
  });
});
