/**
 * Feed-to-store latency: seconds from a file appearing on the (local) pwdata feed to its
 * speeches being committed, through the whole pipeline (poll → fetch → ingest) on BullMQ
 * and Postgres with the poll running every second. Files are released one at a time, in
 * changedates order, at irregular intervals so that they land at every phase of the poll
 * cycle. Prints p50 and p95 over the files. Target: p95 ≤ poll interval + 5 s.
 *
 *   npm run bench pipeline [-- --files 24 --poll-ms 1000 --embedded]
 *
 * --embedded runs the in-process queue on PGlite instead (no Redis, no Postgres).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { BullPipelineQueue } from '../src/pipeline/bullmq-queue.js';
import { openFeed } from '../src/pipeline/feed.js';
import { MemoryQueue } from '../src/pipeline/memory-queue.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import type { PipelineQueue } from '../src/pipeline/queue.js';
import { RETENTION } from '../src/pipeline/runtime.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { startPwdataServer } from '../tests/support/pwdata-server.js';
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
}

export async function main(args: string[]): Promise<void> {
  requireCorpus();
  const opts = parseArgs(args);
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const schema = `hw_bench_${randomBytes(4).toString('hex')}`;
  const prefix = `hwbench${randomBytes(4).toString('hex')}`;
  const commits = new Map<string, number>();
  const log = pino({ level: 'info' }, commitWatcher(commits));

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
  const pipeline = new Pipeline({
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
  try {
    pipeline.startWorkers();
    await pipeline.startSchedule();
    // The first poll loads people.json (once per store, not per file): let it finish first.
    await until(
      async () => (await db.query("SELECT 1 FROM feed_state WHERE key = 'last-poll'")).length > 0,
      120_000,
    );
    const released = await releaseFiles(server, opts);
    await until(async () => released.every((r) => commits.has(r.name)), 120_000);
    report(
      released.map((r) => ((commits.get(r.name) ?? NaN) - r.at) / 1000),
      opts,
    );
  } finally {
    await pipeline.stop(5000);
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
    files: value('--files', 24),
    pollMs: value('--poll-ms', 1000),
    embedded: args.includes('--embedded'),
  };
  if (!(opts.files >= 1 && opts.pollMs >= 10))
    throw new Error('usage: pipeline [--files N] [--poll-ms MS] [--embedded]');
  return opts;
}

/** A log destination that notes when each file's ingest finished (its 'ingest done' line). */
function commitWatcher(commits: Map<string, number>): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.includes('"ingest done"')) continue;
        const r = JSON.parse(line) as { file: string; time: number };
        if (!commits.has(r.file)) commits.set(r.file, r.time);
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

function report(latencies: number[], opts: Options): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
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
