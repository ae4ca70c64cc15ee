/**
 * `npm run worker`: a queue worker process. Run as many as you like on as many hosts as
 * you like, all pointing at the same REDIS_URL and DATABASE_URL; they share the work
 * through BullMQ and Postgres (advisory locks keep two ingests of one day apart).
 * Assembled in src/app/processes.ts.
 */
import { workerProcess } from '../src/app/processes.js';
import { configOrExit } from '../src/cli/config-or-exit.js';
import { createLogger } from '../src/log.js';

async function main(): Promise<void> {
  const config = configOrExit();
  await workerProcess(config, createLogger(config.LOG_LEVEL).child({ role: 'worker', pid: process.pid }));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `hansard-watch worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
