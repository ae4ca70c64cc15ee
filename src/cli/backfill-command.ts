/**
 * `hansard-watch backfill --from <date> [--to <date>] [--types a,b] [--force] [--no-wait]`:
 * queues historic files behind live work, spread out at BACKFILL_PER_MINUTE, and follows
 * their progress. With shared services the work happens in the workers (Ctrl-C only stops
 * watching); embedded with no server running, this process works the queue itself.
 */
import cliProgress from 'cli-progress';
import { FEED_TYPES } from '../parliament/index.js';
import { createLogger } from '../log.js';
import type { BackfillPlan } from '../pipeline/backfill.js';
import { configOrExit } from './config-or-exit.js';
import { openControl, type Control } from './control.js';

export interface BackfillArgs {
  from?: string;
  source?: string;
  chunkMb?: string;
  tag?: boolean;
  searchVectors?: boolean;
  to?: string;
  types?: string;
  force?: boolean;
  wait: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function runBackfill(args: BackfillArgs): Promise<number> {
  if (args.source !== undefined)
    return (await import('./backfill-source.js')).runSourceBackfill({ ...args, source: args.source });
  if (args.from === undefined) throw new Error('backfill needs --from <date> (or --source <dir>)');
  if (!DATE.test(args.from)) throw new Error(`--from must be a date like 2016-01-01, got ${args.from}`);
  if (args.to !== undefined && !DATE.test(args.to))
    throw new Error(`--to must be a date like 2016-12-31, got ${args.to}`);
  const config = configOrExit();
  const types = args.types ? parseTypes(args.types) : config.FEED_TYPES;
  const control = await openControl(config, createLogger(config.LOG_LEVEL));
  try {
    const plan = await control.backfill({ from: args.from, to: args.to, types, force: args.force ?? false });
    printPlan(plan, config.BACKFILL_PER_MINUTE);
    if (plan.added === 0) return 0;
    if (control.mode === 'offline') control.runtime?.pipeline.startWorkers();
    else if (!args.wait) {
      process.stdout.write('queued; follow with `hansard-watch status`\n');
      return 0;
    }
    return await follow(control, plan);
  } finally {
    await control.close();
  }
}

function parseTypes(list: string): string[] {
  const types = list
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const bad = types.filter((t) => !(FEED_TYPES as readonly string[]).includes(t));
  if (bad.length > 0) throw new Error(`unknown --types ${bad.join(', ')}; known: ${FEED_TYPES.join(', ')}`);
  return types;
}

function printPlan(plan: BackfillPlan, perMinute: number): void {
  const inRange = Object.entries(plan.perType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  process.stdout.write(
    `backfill ${plan.batch}: ${plan.added} file${plan.added === 1 ? '' : 's'} queued (${plan.skippedKnown} already stored) at up to ${perMinute}/min\n  in range: ${inRange}\n`,
  );
  for (const w of plan.warnings) process.stdout.write(`  warning: ${w}\n`);
}

/** Shows progress until the batch is done, or nothing more can happen (failed jobs), or Ctrl-C. */
async function follow(control: Control, plan: BackfillPlan): Promise<number> {
  const bar = new cliProgress.SingleBar(
    {
      format: 'backfill [{bar}] {value}/{total} files | {eta_formatted} left',
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(plan.added, 0);
  let interrupted = false;
  const onInt = (): void => void (interrupted = true);
  process.once('SIGINT', onInt);
  try {
    for (let tick = 0; !interrupted; tick++) {
      const remaining = await control.remaining(plan.batch);
      bar.update(plan.added - remaining);
      if (remaining === 0) return 0;
      if (tick % 5 === 4 && (await stuck(control))) {
        bar.stop();
        process.stderr.write(
          `${remaining} files could not be fetched or ingested; see \`hansard-watch status\`\n`,
        );
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    process.stderr.write(
      control.mode === 'offline'
        ? '\ninterrupted; the rest is listed and resumes with the next `hansard-watch start`\n'
        : '\nstopped watching; the workers carry on\n',
    );
    return 130;
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onInt);
  }
}

/** Nothing waiting, running or delayed in fetch/ingest: what is left can only be failed jobs. */
async function stuck(control: Control): Promise<boolean> {
  const { queue } = await control.status();
  if (!queue.counts) return false;
  return (['fetch', 'ingest'] as const).every((s) => {
    const c = queue.counts?.[s];
    return c !== undefined && c.waiting + c.active + c.delayed === 0;
  });
}
