/**
 * `hansard-watch start` (= `npm start`): the web server, the poll schedule and, unless
 * --no-worker, the pipeline workers, in one process. With no REDIS_URL the queue is
 * in-process and with no DATABASE_URL the store is embedded PGlite: nothing to install.
 */
import { alertsFromConfig } from '../alert/runtime.js';
import { createLogger } from '../log.js';
import { registerExtensions } from '../pipeline/extensions.js';
import { survivePgDisconnects } from '../pipeline/pg-guard.js';
import { openRuntime } from '../pipeline/runtime.js';
import { exitOnSignals } from '../pipeline/shutdown.js';
import { resolveAdminToken } from '../web/admin-token.js';
import { streamLimitsFromConfig } from '../web/api/stream-limits.js';
import { buildServer } from '../web/server.js';
import { configOrExit } from './config-or-exit.js';
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
  const alerts = alertsFromConfig(config, runtime.db, log);
  alerts?.register(pipeline);
  if (args.worker) {
    pipeline.startWorkers();
    alerts?.start();
  }
  const admin = resolveAdminToken(config);
  if (!admin) throw new Error('no admin token');
  const server = await buildServer({
    db: runtime.db,
    pipeline,
    adminToken: admin.token,
    log,
    alerts,
    streams: streamLimitsFromConfig(config),
  });
  exitOnSignals(async () => {
    await server.close();
    await alerts?.close();
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
    },
    'hansard-watch started',
  );
  await pipeline.startSchedule();
}
