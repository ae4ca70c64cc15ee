/** `hansard-watch jobs retry [--all|<id>]` and `jobs failed`. */
import { createLogger } from '../log.js';
import { configOrExit } from './config-or-exit.js';
import { openControl } from './control.js';

export async function runRetry(id: string | undefined, opts: { all?: boolean }): Promise<number> {
  if (!id && !opts.all) throw new Error('give a job id, or --all to retry every failed job');
  if (id && opts.all) throw new Error('give a job id or --all, not both');
  const config = configOrExit();
  const control = await openControl(config, createLogger(config.LOG_LEVEL));
  try {
    if (control.mode === 'offline') {
      process.stderr.write(
        'No running `hansard-watch start` found: the in-process queue (and its failed jobs) exists only while it runs.\n',
      );
      return 1;
    }
    const retried = await control.retry(opts.all ? undefined : id);
    process.stdout.write(`retried ${retried} job${retried === 1 ? '' : 's'}\n`);
    return id && retried === 0 ? 1 : 0;
  } finally {
    await control.close();
  }
}

export async function runFailed(opts: { json?: boolean }): Promise<number> {
  const config = configOrExit();
  const control = await openControl(config, createLogger(config.LOG_LEVEL));
  try {
    const { failed } = await control.status();
    if (opts.json) process.stdout.write(JSON.stringify(failed, null, 2) + '\n');
    else if (failed.length === 0) process.stdout.write('no failed jobs\n');
    else
      for (const f of failed)
        process.stdout.write(
          `${f.id}\t${f.stage}\t${f.attempts} attempts\t${f.failedAt?.toISOString() ?? ''}\t${f.reason}\n`,
        );
    return 0;
  } finally {
    await control.close();
  }
}
