/** `hansard-watch status`: cursors, last poll, queue depths, failed jobs and how to retry them. */
import { createLogger } from '../log.js';
import { formatStatus } from '../pipeline/status.js';
import { configOrExit } from './config-or-exit.js';
import { openControl } from './control.js';

export async function runStatus(opts: { json?: boolean }): Promise<number> {
  const config = configOrExit();
  const control = await openControl(config, createLogger(config.LOG_LEVEL));
  try {
    const status = await control.status();
    if (opts.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
    else {
      if (control.mode === 'offline')
        status.queue.kind = 'in-process, not running (no `hansard-watch start` found on HOST:PORT)';
      process.stdout.write(formatStatus(status));
    }
    return status.failed.length > 0 || status.queue.error ? 1 : 0;
  } finally {
    await control.close();
  }
}
