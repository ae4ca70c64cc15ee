/**
 * Politeness: request starts are spaced at least `minIntervalMs` apart, however many
 * fetches run concurrently in this process. One limiter can be shared by several
 * sources that talk to the same host.
 */
import { sleep } from './retry.js';

export class RateLimiter {
  private nextSlot = 0;

  constructor(private readonly minIntervalMs: number) {}

  /** Waits for this caller's turn. Slots are reserved synchronously, so callers go in call order. */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.minIntervalMs <= 0) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.minIntervalMs;
    if (slot > now) await sleep(slot - now, signal);
  }
}
