/**
 * `npm run worker`: a queue worker process. Run as many as you like on as many hosts as
 * you like, all pointing at the same REDIS_URL and DATABASE_URL; they share the work
 * through BullMQ and Postgres (advisory locks keep two ingests of one day apart).
 */
import { configOrExit } from '../src/cli/config-or-exit.js';
import { createLogger } from '../src/log.js';
import { ALERTS_HOOK } from '../src/alert/alerts.js';
import { alertsFromConfig } from '../src/alert/runtime.js';
import { AlertSettingsError } from '../src/alert/settings.js';
import { registerExtensions } from '../src/pipeline/extensions.js';
import { survivePgDisconnects } from '../src/pipeline/pg-guard.js';
import { openRuntime } from '../src/pipeline/runtime.js';
import { exitOnSignals } from '../src/pipeline/shutdown.js';
import { startHeartbeat, WORKER_HEARTBEAT_FILE } from '../src/pipeline/heartbeat.js';

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.LOG_LEVEL).child({ role: 'worker', pid: process.pid });
  const missing = [!config.REDIS_URL && 'REDIS_URL', !config.DATABASE_URL && 'DATABASE_URL'].filter(Boolean);
  if (missing.length > 0) {
    process.stderr.write(
      `Workers share one Redis and one Postgres: set ${missing.join(' and ')}.\n` +
        '(For a single process with nothing to install, use `npm start`, which runs the pipeline in-process.)\n',
    );
    process.exit(2);
  }
  survivePgDisconnects(log);
  const runtime = await openRuntime(config, log, 'worker');
  registerExtensions(runtime.pipeline);
  let alerts;
  try {
    alerts = alertsFromConfig(config, runtime.db, log);
  } catch (err) {
    if (!(err instanceof AlertSettingsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  runtime.pipeline.onSpeechesIngested(ALERTS_HOOK, alerts.onSpeechesIngested);
  runtime.pipeline.startWorkers();
  alerts.start();
  const stopHeartbeat = startHeartbeat(
    WORKER_HEARTBEAT_FILE,
    () => Promise.all([runtime.db.query('SELECT 1'), runtime.pipeline.queue.ping()]),
    (err) => log.warn({ err: String(err) }, 'heartbeat: store or queue not answering'),
  );
  exitOnSignals(async () => {
    stopHeartbeat();
    await alerts.close();
    await runtime.close();
  }, log);
  await runtime.pipeline.startSchedule();
  log.info(
    { queue: config.QUEUE_PREFIX, concurrency: config.QUEUE_CONCURRENCY, types: config.FEED_TYPES },
    'worker started',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `hansard-watch worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
