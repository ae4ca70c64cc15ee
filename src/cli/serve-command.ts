/**
 * `hansard-watch serve [--port N] [--host H]`: the public site and API over the store, on
 * their own (no feed polling or workers; `start` runs everything in one process). For
 * reading replicas, or for browsing a store filled by `ingest`.
 */
import Fastify from 'fastify';
import { createLogger } from '../log.js';
import { exitOnSignals } from '../pipeline/shutdown.js';
import { openStore } from '../store/open.js';
import { DEFAULT_RATE_LIMITS } from '../web/api/context.js';
import { connectRateLimitStore } from '../web/api/rate-limit.js';
import { streamLimitsFromConfig } from '../web/api/stream-limits.js';
import { loadTagInfo } from '../tag/tag-info.js';
import { webPlugin } from '../web/api/web.js';
import { healthPlugin } from '../web/health.js';
import { registerShared, serverOptions } from '../web/server.js';
import { configOrExit } from './config-or-exit.js';
import { announceServer } from './server-file.js';
import { resolveAdminToken } from '../web/admin-token.js';
import { serveAdminPlugin } from '../web/admin-read.js';

export interface ServeArgs {
  port?: string;
  host?: string;
  /** Requests per minute per client address; 0 turns limiting off. */
  rateLimit?: string;
  /** Trust X-Forwarded-For from a reverse proxy in front (client addresses for rate limits). */
  trustProxy?: boolean;
}

/**
 * Session settings for serving many short queries, added to the connection string unless
 * it sets them already (`?options=-c …`). On a large store the planner's cost estimates
 * for the site's queries are high, which makes Postgres JIT-compile them (a fixed 50–4000
 * ms, for queries that run in a few milliseconds) and start parallel workers (tens of ms
 * to start, and they take the cores that concurrent requests need).
 */
export const WEB_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  jit: 'off',
  max_parallel_workers_per_gather: '0',
};

export function withWebSessionSettings(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  let options = url.searchParams.get('options') ?? '';
  for (const [name, value] of Object.entries(WEB_SESSION_SETTINGS))
    if (!new RegExp(`(^|\\s)-c\\s*${name}=`).test(options)) options = `${options} -c ${name}=${value}`.trim();
  url.searchParams.set('options', options);
  return url.toString();
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
  const listenPort = port(args.port, config.PORT);
  const limits = rateLimits(args.rateLimit);
  const db = await openStore(
    config.DATABASE_URL ? { ...config, DATABASE_URL: withWebSessionSettings(config.DATABASE_URL) } : config,
  );
  // With REDIS_URL, several `serve`s (and `start`) share one count per client.
  const rateLimitStore =
    limits && config.REDIS_URL
      ? await connectRateLimitStore(config.REDIS_URL, config.QUEUE_PREFIX, log)
      : null;
  const app = Fastify(serverOptions(log, args.trustProxy ? true : config.TRUST_PROXY));
  // The same headers, input check and error answers as `start`.
  await registerShared(app);
  await app.register(healthPlugin, { db });
  const tags = loadTagInfo((err) => log.warn({ err: String(err) }, 'taxonomy not loaded: tags shown by id'));
  await app.register(webPlugin, {
    db,
    tags,
    rateLimit: limits,
    rateLimitStore,
    streams: streamLimitsFromConfig(config),
  });
  // The CLI's read commands reach the store through here while this process holds it.
  const admin = resolveAdminToken(config);
  if (admin)
    await app.register(serveAdminPlugin, {
      prefix: '/admin/api',
      db,
      token: admin.token,
      types: config.FEED_TYPES,
    });
  exitOnSignals(async () => {
    await app.close();
    rateLimitStore?.redis.disconnect();
    await db.close();
  }, log);
  const address = await app.listen({ port: listenPort, host: args.host ?? config.HOST });
  announceServer(config, address, 'serve');
  log.info(
    {
      address,
      store: config.DATABASE_URL ? 'postgres' : 'pglite',
      tags: tags.length,
      rateLimits: !limits ? 'off' : rateLimitStore ? 'redis' : 'memory',
    },
    'hansard-watch serving',
  );
}
