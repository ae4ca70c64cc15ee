/**
 * Feed-to-store and feed-to-inbox latency, through the whole pipeline (poll → fetch →
 * ingest and tag → alert matching → SMTP) on BullMQ and Postgres with the poll running
 * every second and alerts wired as `start` wires them (bench/lib/alert-delivery.ts).
 * Files are released one at a time, in changedates order, at irregular intervals so that
 * they land at every phase of the poll cycle. Prints p50/p95/max over the files of:
 *   - release → speeches committed; target p95 ≤ poll interval + 5 s;
 *   - release → the SMTP server accepting the file's first and last alert e-mail, for
 *     every file that yields one; target p95 (last e-mail) ≤ poll interval + 10 s;
 * and checks that each matched speech reached each subscriber exactly once.
 *
 *   npm run bench pipeline [-- --files 50 --poll-ms 1000 --embedded --baseline-only|--new-only]
 *
 * Runs twice: the alert e-mails as before issue #20 (baseline), then with context and
 * roll-ups; target for the second: p95 (last e-mail of each file) ≤ 6 s.
 * --embedded runs the in-process queue on PGlite instead (no Redis, no Postgres).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { BullPipelineQueue } from '../src/pipeline/bullmq-queue.js';
import { openFeed } from '../src/feed/open-feed.js';
import { MemoryQueue } from '../src/pipeline/memory-queue.js';
import type { PipelineQueue } from '../src/pipeline/queue.js';
import { assemblePipeline, RETENTION } from '../src/app/runtime.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { startPwdataServer } from '../tests/support/pwdata-server.js';
import { deliveryFigures, startAlertDelivery, type DeliveryFigures } from './lib/alert-delivery.js';
import { corpusDir, requireCorpus } from './support.js';

/**
 * Baseline, stated not measured: TheyWorkForYou sends its email alerts from one cron run
 * a day (scripts/alertmailer.php, after the morning import of parlparse's output), so a
 * speech can wait up to a day between appearing in pwdata and reaching an alert.
 */
const TWFY_ALERT_CADENCE_S = 24 * 3600;

interface Options {
  files: number;
  pollMs: number;
  embedded: boolean;
  /** Only one of MODES (0 baseline, 1 with issue #20); null: both. */
  only: number | null;
}

/**
 * The alert e-mails of each run: first as before issue #20 (one e-mail per speech and
 * subscription, the excerpt alone) as the baseline, then with context and one roll-up per
 * address per run. Each run is the whole pipeline on a fresh store.
 */
const MODES: readonly { label: string; env: Record<string, string> }[] = [
  {
    label: 'baseline: one e-mail per speech, no context (ALERT_ROLLUP=false ALERT_CONTEXT=false)',
    env: { ALERT_ROLLUP: 'false', ALERT_CONTEXT: 'false' },
  },
  { label: 'issue #20: context and one roll-up per address per run (defaults)', env: {} },
];

export async function main(args: string[]): Promise<void> {
  requireCorpus();
  const opts = parseArgs(args);
  const modes = opts.only === null ? MODES : MODES.slice(opts.only, opts.only + 1);
  for (const mode of modes) {
    console.log(`\n=== ${mode.label} ===`);
    await runOnce(opts, mode.env);
  }
}

async function runOnce(opts: Options, alertEnv: Record<string, string>): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const schema = `hw_bench_${randomBytes(4).toString('hex')}`;
  const prefix = `hwbench${randomBytes(4).toString('hex')}`;
  const commits = new Map<string, Commit>();
  const matched = new Set<string>();
  const log = pino({ level: 'info' }, logWatcher(commits, matched));

  const server = await startPwdataServer({ root: corpusDir, releaseOrder: 'manual' });
  const db = opts.embedded ? await openDb({ dataDir: 'memory://' }) : await openDb({ databaseUrl, schema });
  await migrate(db);
  const queue: PipelineQueue = opts.embedded
    ? new MemoryQueue({ retry: { attempts: 5, backoffMs: 500 }, retention: RETENTION, log })
    : new BullPipelineQueue({
        url: redisUrl,
        prefix,
        retry: { attempts: 5, backoffMs: 500 },
        retention: RETENTION,
        lockMs: 30_000,
        log,
      });
  const feed = openFeed({ baseUrl: server.url, minIntervalMs: 0, timeoutMs: 10_000, log });
  const types = [...new Set(server.timeline.slice(0, opts.files).map((e) => e.type))];
  const { pipeline } = assemblePipeline({
    db,
    queue,
    feed,
    log,
    settings: {
      types,
      peopleRefreshHours: 24,
      backfillPerMinute: 60,
      concurrency: 2,
      fetchPerMinute: 10_000,
      schedule: { everyMs: opts.pollMs },
    },
  });
  const delivery = await startAlertDelivery(db, pipeline, log, alertEnv);
  try {
    pipeline.startWorkers();
    await pipeline.startSchedule();
    // The first poll loads people.json (once per store, not per file): let it finish first.
    await until(
      async () => (await db.query("SELECT 1 FROM feed_state WHERE key = 'last-poll'")).length > 0,
      120_000,
    );
    // Subscriptions may name people, so they are made once people.json is loaded.
    await delivery.subscribe();
    const released = await releaseFiles(server, opts);
    await until(async () => released.every((r) => commits.has(r.name)), 120_000);
    // Every file that announced speeches has been through alert matching…
    await until(async () => [...commits].every(([name, c]) => c.changed === 0 || matched.has(name)), 120_000);
    // …and everything matched has been sent.
    await delivery.drained(180_000);
    report(
      released.map((r) => ((commits.get(r.name)?.time ?? NaN) - r.at) / 1000),
      opts,
    );
    const releasedAt = new Map(released.map((r) => [r.name, r.at]));
    reportDelivery(await deliveryFigures(db, delivery, releasedAt), released.length, opts);
  } finally {
    await pipeline.stop(5000);
    await delivery.close();
    await db.close();
    await server.close();
    if (!opts.embedded) await cleanUp(databaseUrl, schema, redisUrl, prefix);
  }
}

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const opts = {
    files: value('--files', 50),
    pollMs: value('--poll-ms', 1000),
    embedded: args.includes('--embedded'),
    only: args.includes('--baseline-only') ? 0 : args.includes('--new-only') ? 1 : null,
  };
  if (!(opts.files >= 1 && opts.pollMs >= 10))
    throw new Error('usage: pipeline [--files N] [--poll-ms MS] [--embedded] [--baseline-only | --new-only]');
  return opts;
}

interface Commit {
  time: number;
  /** Speeches the file announced (new or changed). */
  changed: number;
}

/**
 * A log destination that notes when each file's ingest finished (its 'ingest done' line)
 * and which files' speeches the alerts hook has matched ('alerts matched').
 */
function logWatcher(commits: Map<string, Commit>, matched: Set<string>): Writable {
  // HW_BENCH_LOG=path keeps the whole pipeline log, to see where a slow file spent its time.
  const copy = process.env.HW_BENCH_LOG ? createWriteStream(process.env.HW_BENCH_LOG) : null;
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      copy?.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.includes('"alerts matched"')) matched.add((JSON.parse(line) as { file: string }).file);
        if (!line.includes('"ingest done"')) continue;
        const r = JSON.parse(line) as { file: string; time: number; changed: number };
        if (!commits.has(r.file)) commits.set(r.file, { time: r.time, changed: r.changed });
      }
      done();
    },
  });
}

/** Releases the first `files` timeline entries one by one, 0.3–1.9 s apart; returns when each appeared. */
async function releaseFiles(
  server: Awaited<ReturnType<typeof startPwdataServer>>,
  opts: Options,
): Promise<{ name: string; at: number }[]> {
  const out: { name: string; at: number }[] = [];
  while (out.length < opts.files && server.released() < server.timeline.length) {
    const [entry] = server.release(1);
    // A name listed twice (a re-publication) is measured at its first appearance.
    if (entry && !out.some((o) => o.name === entry.name)) out.push({ name: entry.name, at: Date.now() });
    await sleep(300 + Math.random() * 1600);
  }
  return out;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function report(latencies: number[], opts: Options): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number): number => percentile(sorted, p);
  const poll = opts.pollMs / 1000;
  const target = poll + 5;
  const shape = opts.embedded ? 'in-process queue + PGlite' : 'BullMQ + Postgres';
  console.log(
    `feed → store latency (${shape}, poll every ${poll} s, ${sorted.length} files, released 0.3–1.9 s apart)`,
  );
  console.log(
    `  p50 ${pct(50).toFixed(2)} s   p95 ${pct(95).toFixed(2)} s   min ${sorted[0]?.toFixed(2)} s   max ${sorted.at(-1)?.toFixed(2)} s`,
  );
  console.log(`  target p95 <= poll interval + 5 s = ${target} s: ${pct(95) <= target ? 'met' : 'NOT met'}`);
  console.log(
    `  baseline (stated, not measured): TheyWorkForYou alerts go out from a daily cron run, up to ${TWFY_ALERT_CADENCE_S} s after publication; ` +
      `p95 here is ${Math.round(TWFY_ALERT_CADENCE_S / pct(95)).toLocaleString('en-GB')}x sooner than that worst case`,
  );
}

function reportDelivery(f: DeliveryFigures, releasedFiles: number, opts: Options): void {
  const poll = opts.pollMs / 1000;
  const target = poll + 10;
  const line = (label: string, v: readonly number[]) =>
    console.log(
      `  ${label.padEnd(34)} p50 ${percentile(v, 50).toFixed(2)} s   p95 ${percentile(v, 95).toFixed(2)} s   max ${Math.max(...v).toFixed(2)} s`,
    );
  const last = f.files.map((x) => x.last);
  console.log(
    `feed → e-mail accepted by the SMTP server (${f.subscriptions} confirmed immediate e-mail subscriptions, poll every ${poll} s): ` +
      `${f.emails} alert e-mails carrying ${f.deliveries} (subscription, speech) matches about ${f.files.length} of the ${releasedFiles} released files`,
  );
  line(
    'first e-mail about each file',
    f.files.map((x) => x.first),
  );
  line('last e-mail about each file', last);
  line('every e-mail', f.perEmail);
  const slowest = [...f.files].sort((a, b) => b.last - a.last).slice(0, 3);
  console.log(
    `  slowest files: ${slowest.map((x) => `${x.name} (${x.emails} e-mails, ${x.first.toFixed(1)}–${x.last.toFixed(1)} s)`).join(', ')}`,
  );
  const p95 = percentile(last, 95);
  console.log(
    `  target p95 (last e-mail of each file) <= poll interval + 10 s = ${target} s: ${p95 <= target && f.files.length > 0 ? 'met' : 'NOT met'}; issue #20's <= 6 s: ${p95 <= 6 && f.files.length > 0 ? 'met' : 'NOT met'}`,
  );
  const once = f.duplicates.length === 0 && f.missing === 0 && f.dead === 0 && f.missed.length === 0;
  console.log(
    `  exactly once: ${once ? 'yes' : 'NO'} (${f.emails} e-mails: ${f.duplicates.length} duplicates, ` +
      `${f.missing} logged but never received, ${f.dead} dead-lettered; ` +
      `${f.missed.length} of the ${f.expected} (subscription, speech) matches in the final store never e-mailed)`,
  );
  for (const m of f.missed.slice(0, 5)) console.log(`    never e-mailed: ${m}`);
  for (const d of f.duplicates.slice(0, 5)) console.log(`    duplicate: ${d}`);
  for (const [file, n] of f.untimed)
    console.log(
      file === '(unknown)'
        ? `  not timed: ${n} e-mail(s) about speeches no announcement traces`
        : `  not timed: ${n} e-mail(s) about ${file}, which no changedates line lists (on the feed from the start)`,
    );
  console.log(
    `  baseline (stated, not measured): TheyWorkForYou's alert e-mails go out from one cron run a day, up to ${TWFY_ALERT_CADENCE_S} s after publication; ` +
      `p95 here is ${Math.round(TWFY_ALERT_CADENCE_S / p95).toLocaleString('en-GB')}x sooner than that worst case`,
  );
}

async function until(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`bench timed out after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function cleanUp(databaseUrl: string, schema: string, redisUrl: string, prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
