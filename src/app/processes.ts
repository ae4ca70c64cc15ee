/**
 * The long-running processes, assembled: `start` (site + pipeline in one process), `serve`
 * (the site over the store alone) and the queue worker. What a process needs beyond the
 * composition root lives here: signals and shutdown order, the worker's heartbeat, the
 * guard against Postgres dropping a checked-out connection, server.json.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { outboxDir } from '../alert/defaults.js';
import { AlertSettingsError } from '../alert/settings.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { survivePgDisconnects } from '../store/pg-guard.js';
import { resolveAdminToken, type AdminToken } from '../web/admin-token.js';
import { connectRateLimitStore, type RateLimit, type RateLimitStore } from '../web/api/rate-limit.js';
import { streamLimitsFromConfig } from '../web/api/stream-limits.js';
import { loadTagInfo, type TagInfo } from '../tag/tag-info.js';
import { buildServer } from '../web/server.js';
import { startHeartbeat, WORKER_HEARTBEAT_FILE } from './heartbeat.js';
import { openRuntime } from './runtime.js';
import { openAppStore } from './store.js';
import { announceServer } from './server-file.js';
import { exitOnSignals } from './shutdown.js';

/**
 * The runtime of a long-running process, alerts included. A bad combination of alert
 * settings stops the process with the settings' own message, as a bad variable does.
 */
async function openRuntimeOrExit(config: Config, log: Logger, role: 'start' | 'worker') {
  try {
    return await openRuntime(config, log, role, { alerts: true });
  } catch (err) {
    if (!(err instanceof AlertSettingsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}

/** With REDIS_URL the rate limits are counted there, shared with every other process. */
function rateLimitStoreFor(config: Config, log: Logger): Promise<RateLimitStore | null> {
  return config.REDIS_URL
    ? connectRateLimitStore(config.REDIS_URL, config.QUEUE_PREFIX, log)
    : Promise.resolve(null);
}

export async function startProcess(config: Config, log: Logger, options: { worker: boolean }): Promise<void> {
  if (!config.REDIS_URL && !options.worker)
    throw new Error(
      '--no-worker needs REDIS_URL: without Redis the queue lives in this process, so this process must work it',
    );
  if (config.REDIS_URL && !config.DATABASE_URL)
    log.warn(
      'REDIS_URL without DATABASE_URL: the embedded store is reachable from this process only, so other workers cannot share it',
    );
  survivePgDisconnects(log);
  const runtime = await openRuntimeOrExit(config, log, 'start');
  const { pipeline } = runtime;
  const alerts = runtime.alerts!;
  if (options.worker) {
    pipeline.startWorkers();
    alerts.start();
  }
  const admin = resolveAdminToken(config);
  if (!admin) throw new Error('no admin token');
  const rateLimitStore = await rateLimitStoreFor(config, log);
  const server = await buildServer({
    rateLimitStore,
    db: runtime.db,
    pipeline,
    adminToken: admin.token,
    log,
    alerts,
    outboxDir: config.SMTP_URL ? null : path.resolve(outboxDir(config)),
    streams: streamLimitsFromConfig(config),
    trustProxy: config.TRUST_PROXY,
  });
  exitOnSignals(async () => {
    await server.close();
    rateLimitStore?.redis.disconnect();
    await runtime.close();
  }, log);
  let address: string;
  try {
    address = await server.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    // Without this the running queue would keep the process alive with nothing serving.
    await runtime.close();
    throw err;
  }
  announceServer(config, address, 'start');
  log.info(
    {
      address,
      store: config.DATABASE_URL ? 'postgres' : 'pglite',
      queue: pipeline.queue.kind,
      feed: pipeline.deps.feed.location,
      types: config.FEED_TYPES,
      poll: config.POLL_CRON,
      adminToken: admin.source,
      rateLimits: rateLimitStore ? 'redis' : 'memory',
    },
    'hansard-watch started',
  );
  logAdminAccess(log, admin, address);
  await pipeline.startSchedule();
}

export interface ServeOptions {
  port: number;
  host: string;
  /** Per client address; false: off (`--rate-limit 0`). */
  rateLimits: { general: RateLimit; export: RateLimit } | false;
  trustProxy: boolean | string;
}

export async function serveProcess(config: Config, log: Logger, options: ServeOptions): Promise<void> {
  const db = await openAppStore(config, 'serve');
  // With REDIS_URL, several `serve`s (and `start`) share one count per client.
  const rateLimitStore = options.rateLimits ? await rateLimitStoreFor(config, log) : null;
  const tags: TagInfo[] = loadTagInfo((err) =>
    log.warn({ err: String(err) }, 'taxonomy not loaded: tags shown by id'),
  );
  const app: FastifyInstance = await buildServer({
    role: 'read',
    db,
    log,
    tags,
    rateLimits: options.rateLimits,
    rateLimitStore,
    streams: streamLimitsFromConfig(config),
    trustProxy: options.trustProxy,
    adminToken: resolveAdminToken(config)?.token ?? null,
    types: config.FEED_TYPES,
  });
  exitOnSignals(async () => {
    await app.close();
    rateLimitStore?.redis.disconnect();
    await db.close();
  }, log);
  const address = await app.listen({ port: options.port, host: options.host });
  announceServer(config, address, 'serve');
  log.info(
    {
      address,
      store: config.DATABASE_URL ? 'postgres' : 'pglite',
      tags: tags.length,
      rateLimits: !options.rateLimits ? 'off' : rateLimitStore ? 'redis' : 'memory',
    },
    'hansard-watch serving',
  );
}

/** Exits 2 with a message when the worker's shared services are not configured. */
export async function workerProcess(config: Config, log: Logger): Promise<void> {
  const missing = [!config.REDIS_URL && 'REDIS_URL', !config.DATABASE_URL && 'DATABASE_URL'].filter(Boolean);
  if (missing.length > 0) {
    process.stderr.write(
      `Workers share one Redis and one Postgres: set ${missing.join(' and ')}.\n` +
        '(For a single process with nothing to install, use `npm start`, which runs the pipeline in-process.)\n',
    );
    process.exit(2);
  }
  survivePgDisconnects(log);
  const runtime = await openRuntimeOrExit(config, log, 'worker');
  runtime.pipeline.startWorkers();
  runtime.alerts!.start();
  const stopHeartbeat = startHeartbeat(
    WORKER_HEARTBEAT_FILE,
    () => Promise.all([runtime.db.query('SELECT 1'), runtime.pipeline.queue.ping()]),
    (err) => log.warn({ err: String(err) }, 'heartbeat: store or queue not answering'),
  );
  exitOnSignals(async () => {
    stopHeartbeat();
    await runtime.close();
  }, log);
  await runtime.pipeline.startSchedule();
  log.info(
    { queue: config.QUEUE_PREFIX, concurrency: config.QUEUE_CONCURRENCY, types: config.FEED_TYPES },
    'worker started',
  );
}

/**
 * How to open /admin (the outbox, the queues) in a browser: HTTP Basic, any user name, the
 * token as password. A generated token is shown in full on the run that made it, so a
 * first-time user has it on screen; later runs say where it is kept.
 */
function logAdminAccess(log: Logger, admin: AdminToken, address: string): void {
  const password =
    admin.source === 'ADMIN_TOKEN'
      ? 'ADMIN_TOKEN'
      : admin.created
        ? `${admin.token} (generated now, kept in ${admin.source})`
        : `the token in ${admin.source}`;
  log.info(
    { outbox: `${address}/admin/outbox`, queues: `${address}/admin/queues` },
    `admin pages: user name anything, password ${password}`,
  );
}
