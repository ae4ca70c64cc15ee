/**
 * Per-client token buckets, in memory. Enough for one self-hosted instance (the project's
 * deployment); several instances behind a balancer would each allow the full rate, which
 * errs on the side of serving. Clients are told when to come back (Retry-After).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface RateLimit {
  /** Sustained requests per minute. */
  perMinute: number;
  /** Requests allowed in a burst above the sustained rate. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Buckets kept before idle (full) ones are swept, so a scan from many addresses cannot grow memory without bound. */
const SWEEP_AT = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = limit.perMinute / 60_000;
  }

  /** Takes a token for `key`: 0 when allowed, else the milliseconds until one is free. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, updated: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + (t - b.updated) * this.perMs);
    b.updated = t;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(t);
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.perMs);
  }

  private sweep(t: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + (t - b.updated) * this.perMs >= this.limit.burst) this.buckets.delete(key);
  }
}

/** An onRequest hook answering 429 once the client's bucket is empty. */
export function rateLimitHook(limit: RateLimit, message: string) {
  const buckets = new TokenBuckets(limit);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = buckets.take(req.ip);
    if (wait === 0) return;
    await reply
      .code(429)
      .header('retry-after', String(Math.ceil(wait / 1000)))
      .send({ error: 'Too Many Requests', message: `${message} Try again in ${Math.ceil(wait / 1000)} s.` });
  };
}
