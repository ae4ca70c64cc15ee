/**
 * Per-client request limits, by @fastify/rate-limit: a fixed window of `max` requests per
 * client address. With REDIS_URL the counts live in Redis, so every process serving the
 * site (several `start`s or `serve`s behind a balancer) shares one count per client;
 * without it they live in this process's memory, which is all one embedded instance needs.
 *
 * A limiter is an onRequest hook that can be added to several plugins: the server passes
 * one general hook to the site and to the alert routes, so that a client has one budget
 * for both. Each limiter is its own registration of the plugin (its own counts, and its own
 * "already counted" mark on a request), so the export limit still applies on top of the
 * general one.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { Redis } from 'ioredis';
import { clientKey } from '../../alert/rate-buckets.js';
import type { Logger } from '../../log.js';

export interface RateLimit {
  /** Requests allowed per window. */
  max: number;
  /** The window's length. */
  windowSeconds: number;
}

/** Where counts are kept when several processes must share them. */
export interface RateLimitStore {
  redis: Redis;
  /** Key prefix of this deployment (QUEUE_PREFIX), so that sites sharing a Redis do not share counts. */
  prefix: string;
}

/** Thrown by the plugin when a client is over its limit; every error handler of ours answers its status. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly statusCode = 429;
}

/**
 * An onRequest hook answering 429 (with Retry-After and the API's JSON error body) once the
 * client has used `limit.max` requests in the window. `name` keeps its counts apart from
 * other limiters' in a shared store.
 */
export async function rateLimiter(
  app: FastifyInstance,
  name: string,
  limit: RateLimit,
  message: string,
  store?: RateLimitStore | null,
): Promise<onRequestHookHandler> {
  let hook: onRequestHookHandler | undefined;
  await app.register(async (scope) => {
    await scope.register(fastifyRateLimit, {
      global: false,
      max: limit.max,
      timeWindow: limit.windowSeconds * 1000,
      // An IPv6 client usually holds a whole /64: one client, as for the subscribe limits.
      keyGenerator: (req) => clientKey(req.ip),
      // Redis down: serve unlimited rather than fail every request (the client logs the outage).
      skipOnError: true,
      errorResponseBuilder: (_req, ctx) =>
        new RateLimitedError(`${message} Try again in ${Math.max(1, Math.ceil(ctx.ttl / 1000))} s.`),
      ...(store ? { redis: store.redis, nameSpace: `${store.prefix}:rate-limit:${name}:` } : {}),
    });
    hook = scope.rateLimit();
  });
  if (!hook) throw new Error('@fastify/rate-limit did not register');
  return hook;
}

/**
 * A Redis connection for the limits, connected before the server listens. A request never
 * waits for Redis to come back: no offline queue, one try per command.
 */
export async function connectRateLimitStore(
  url: string,
  prefix: string,
  log: Logger,
): Promise<RateLimitStore> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: `hansard-watch-rate-limit-${process.pid}`,
  });
  let reported = false;
  redis.on('error', (err: Error) => {
    if (!reported)
      log.error(
        { err: err.message },
        'rate-limit store (Redis) unreachable: limits are off until it is back',
      );
    reported = true;
  });
  redis.on('ready', () => (reported = false));
  await redis.connect();
  return { redis, prefix };
}
