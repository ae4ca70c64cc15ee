/**
 * Token buckets in the database (alert_rate_buckets), for the subscribe endpoint's limits.
 * Every process that serves the endpoint (several `start`s behind a balancer, the web
 * form and the API) shares one bucket per key, where in-memory buckets each allowed the
 * full rate. One statement takes a token: the upsert locks the row, so two processes
 * taking the last token at once cannot both get it.
 */
import net from 'node:net';
import type { Db } from '../store/db.js';
import { ipv6Bytes } from './webhook/embedded-ipv4.js';

export interface BucketLimit {
  /** Requests allowed at once, and the bucket's size. */
  burst: number;
  /** Tokens added back per second. */
  perSecond: number;
}

/** Rows untouched this long have refilled whatever their limit (the slowest refills in a day). */
const IDLE_HOURS = 25;

export class RateBuckets {
  constructor(private readonly db: Db) {}

  /** Takes a token for `key`: 0 when allowed, else the milliseconds until one is free. */
  async take(key: string, limit: BucketLimit): Promise<number> {
    const refilled = `LEAST($2::float8, b.tokens + EXTRACT(EPOCH FROM (now() - b.updated_at)) * $3::float8)`;
    const taken = await this.db.query(
      `INSERT INTO alert_rate_buckets AS b (key, tokens, updated_at) VALUES ($1, $2::float8 - 1, now())
       ON CONFLICT (key) DO UPDATE SET tokens = ${refilled} - 1, updated_at = now()
        WHERE ${refilled} >= 1
       RETURNING 1`,
      [key, limit.burst, limit.perSecond],
    );
    if (taken.length > 0) return 0;
    const [row] = await this.db.query<{ available: number }>(
      `SELECT ${refilled} AS available FROM alert_rate_buckets b WHERE b.key = $1`,
      [key, limit.burst, limit.perSecond],
    );
    const missing = 1 - Number(row?.available ?? 0);
    return Math.max(1, Math.ceil((missing / limit.perSecond) * 1000));
  }

  /**
   * Counts one against `max` for the current fixed window of `windowSeconds` (clock
   * aligned, by the database's clock so that every process agrees): true while the
   * window's count is under `max`. A hard cap, where a bucket's refill would allow up to
   * twice its size within an hour. The window's row holds its count in `tokens`.
   */
  async takeInWindow(key: string, max: number, windowSeconds: number): Promise<boolean> {
    const taken = await this.db.query(
      `INSERT INTO alert_rate_buckets AS b (key, tokens, updated_at)
       VALUES ($1 || ':' || floor(EXTRACT(EPOCH FROM now()) / $3::int)::bigint, 1, now())
       ON CONFLICT (key) DO UPDATE SET tokens = b.tokens + 1, updated_at = now() WHERE b.tokens < $2::int
       RETURNING 1`,
      [key, max, windowSeconds],
    );
    return taken.length > 0;
  }

  /** Deletes buckets that have refilled (housekeeping); returns how many. */
  async sweep(): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM alert_rate_buckets WHERE updated_at < now() - $1::int * interval '1 hour' RETURNING 1`,
      [IDLE_HOURS],
    );
    return rows.length;
  }
}

/**
 * The rate-limit key for a client address. An IPv6 client usually holds a whole /64
 * (one subnet per home or server), so it is limited as one client, not 2^64 of them;
 * IPv4-mapped addresses count as their IPv4 address.
 */
export function clientKey(ip: string): string {
  const bytes = net.isIPv6(ip) ? ipv6Bytes(ip) : null;
  if (!bytes) return ip;
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return Array.from(bytes.subarray(12)).join('.');
  const groups = [0, 2, 4, 6].map((i) => ((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}
