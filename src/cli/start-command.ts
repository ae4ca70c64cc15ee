/**
 * `hansard-watch start` (= `npm start`): the web server, the poll schedule and, unless
 * --no-worker, the pipeline workers, in one process. With no REDIS_URL the queue is
 * in-process and with no DATABASE_URL the store is embedded PGlite: nothing to install.
 */
import { ALERTS_HOOK } from '../alert/alerts.js';
import { alertsFromConfig } from '../alert/runtime.js';
import { AlertSettingsError } from '../alert/settings.js';
import { createLogger } from '../log.js';
import { registerExtensions } from '../pipeline/extensions.js';
import { survivePgDisconnects } from '../pipeline/pg-guard.js';
import { openRuntime } from '../pipeline/runtime.js';
import { exitOnSignals } from '../pipeline/shutdown.js';
import { resolveAdminToken } from '../web/admin-token.js';
import { connectRateLimitStore } from '../web/api/rate-limit.js';
import { streamLimitsFromConfig } from '../web/api/stream-limits.js';
import { buildServer } from '../web/server.js';
import { configOrExit } from './config-or-exit.js';
import { outboxDir } from '../alert/defaults.js';
import type { Logger } from '../log.js';
import type { AdminToken } from '../web/admin-token.js';
import path from 'node:path';
import { announceServer } from './server-file.js';

export interface StartArgs {
  worker: boolean;
}

export async function runStart(args: StartArgs): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.LOG_LEVEL);
  if (!config.REDIS_URL && !args.worker)
    throw new Error(
      '--no-worker needs REDIS_URL: without Redis the queue lives in this process, so this process must work it',
    );
  if (config.REDIS_URL && !config.DATABASE_URL)
    log.warn(
      'REDIS_URL without DATABASE_URL: the embedded store is reachable from this process only, so other workers cannot share it',
    );
  survivePgDisconnects(log);
  const runtime = await openRuntime(config, log, 'start');
  const { pipeline } = runtime;
  registerExtensions(pipeline);
  let alerts;
  try {
    alerts = alertsFromConfig(config, runtime.db, log);
  } catch (err) {
    if (!(err instanceof AlertSettingsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  pipeline.onSpeechesIngested(ALERTS_HOOK, alerts.onSpeechesIngested);
  if (args.worker) {
    pipeline.startWorkers();
    alerts.start();
  }
  const admin = resolveAdminToken(config);
  if (!admin) throw new Error('no admin token');
  // With REDIS_URL the rate limits are counted there, shared with every other process.
  const rateLimitStore = config.REDIS_URL
    ? await connectRateLimitStore(config.REDIS_URL, config.QUEUE_PREFIX, log)
    : null;
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
    await alerts.close();
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
