/**
 * `hansard-watch start` (= `npm start`): the web server, the poll schedule and, unless
 * --no-worker, the pipeline workers, in one process. With no REDIS_URL the queue is
 * in-process and with no DATABASE_URL the store is embedded PGlite: nothing to install.
 * Assembled in src/app/processes.ts.
 */
import { startProcess } from '../app/processes.js';
import { createLogger } from '../log.js';
import { configOrExit } from './config-or-exit.js';

export interface StartArgs {
  worker: boolean;
}

export async function runStart(args: StartArgs): Promise<void> {
  const config = configOrExit();
  await startProcess(config, createLogger(config.LOG_LEVEL), { worker: args.worker });
}
