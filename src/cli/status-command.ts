/** `hansard-watch status`: the server, store counts, cursors, last poll, queue depths, failed jobs and how to retry them. */
import { createLogger } from '../log.js';
import { formatStatus } from '../pipeline/status.js';
import { configOrExit } from './config-or-exit.js';
import { openControl, type Control } from './control.js';

export async function runStatus(opts: { json?: boolean }): Promise<number> {
  const config = configOrExit();
  const control = await openControl(config, createLogger(config.LOG_LEVEL));
  try {
    const status = await control.status();
    const server = describeServer(control);
    if (opts.json) process.stdout.write(JSON.stringify({ server, ...status }, null, 2) + '\n');
    else {
      if (control.mode === 'offline') status.queue.kind = 'in-process; runs inside `hansard-watch start`';
      process.stdout.write(`server       ${server.text}\n${formatStatus(status)}`);
    }
    return status.failed.length > 0 || status.queue.error ? 1 : 0;
  } finally {
    await control.close();
  }
}

function describeServer(control: Control): { running: boolean; url?: string; pid?: number; text: string } {
  const s = control.server;
  if (s) {
    const who = [s.pid !== undefined ? `PID ${s.pid}` : null, s.command ? `hansard-watch ${s.command}` : null]
      .filter(Boolean)
      .join(', ');
    return {
      running: true,
      url: s.url,
      ...(s.pid !== undefined ? { pid: s.pid } : {}),
      text: `running at ${s.url}${who ? ` (${who})` : ''}`,
    };
  }
  return {
    running: false,
    text:
      control.mode === 'direct'
        ? 'not checked (REDIS_URL set: queue and store read directly)'
        : 'not running (no `hansard-watch start` or `serve` found; store opened directly)',
  };
}
