/**
 * `hansard-watch serve [--port N] [--host H]`: the public site and API over the store, on
 * their own (no feed polling or workers; `start` runs everything in one process). For
 * reading replicas, or for browsing a store filled by `ingest`. Assembled in
 * src/app/processes.ts; this file reads the flags.
 */
import { serveProcess } from '../app/processes.js';
import { createLogger } from '../log.js';
import { DEFAULT_RATE_LIMITS } from '../web/api/context.js';
import { configOrExit } from './config-or-exit.js';

export interface ServeArgs {
  port?: string;
  host?: string;
  /** Requests per minute per client address; 0 turns limiting off. */
  rateLimit?: string;
  /** Trust X-Forwarded-For from a reverse proxy in front (client addresses for rate limits). */
  trustProxy?: boolean;
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new Error(`--port must be a whole number from 0 to 65535, got ${value}`);
  return n;
}

function rateLimits(value: string | undefined) {
  if (value === undefined) return DEFAULT_RATE_LIMITS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--rate-limit must be a whole number of requests per minute (0 = off), got ${value}`);
  return n === 0 ? false : { ...DEFAULT_RATE_LIMITS, general: { max: n, windowSeconds: 60 } };
}

export async function runServe(args: ServeArgs): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.LOG_LEVEL);
  await serveProcess(config, log, {
    port: port(args.port, config.PORT),
    host: args.host ?? config.HOST,
    rateLimits: rateLimits(args.rateLimit),
    trustProxy: args.trustProxy ? true : config.TRUST_PROXY,
  });
}
