import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/feed/rate.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, sleep } from '../../src/feed/retry.js';

describe('backoffDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('draws from a window that doubles per retry up to the cap (full jitter)', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, options, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    for (let i = 0; i < 100; i++) expect(backoffDelay(2, options)).toBeLessThan(200);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignoring junk', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries server errors and rate limiting, not client errors', () => {
    expect([500, 502, 503, 504, 429, 408].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410].some(isRetryableStatus)).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('spaces concurrent acquisitions at least the interval apart', async () => {
    const limiter = new RateLimiter(40);
    const starts: number[] = [];
    await Promise.all([0, 1, 2, 3].map(() => limiter.acquire().then(() => starts.push(Date.now()))));
    // Generous margin below the 3 x 40 ms minimum for timer granularity.
    expect(starts[3]! - starts[0]!).toBeGreaterThanOrEqual(110);
  });

  it('lets an abort end the wait', async () => {
    const limiter = new RateLimiter(10_000);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow('shutdown');
    await expect(sleep(5)).resolves.toBeUndefined();
  });
});
