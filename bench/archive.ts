/**
 * The archive through the real path (#21): the shared week replicated under new dates and
 * ids to N speeches (default 2,000,000, about 250 weeks and 3.6 GB of XML) in a temporary
 * directory (removed afterwards), loaded into real Postgres by `hansard-watch backfill
 * --source` in a child process (the batch ingest of `hansard-watch ingest`: parse, commit,
 * index, tag, MP record queue). Prints the rates per stage, total wall time, peak RSS of
 * every process (the CLI, its Postgres backends), database size, the time for one new day
 * to become searchable and tagged once loaded (`hansard-watch ingest` of one file), then
 * `bench api`'s load (MP record, search mix with tag searches) at 1, 4 and 16 clients.
 *
 *   npm run bench archive -- [--speeches N] [--keep] [--chunk-mb N] [--seconds S]
 *
 * Baseline in the same run: fast-xml-parser's parse-only MB/s over one copy of the week.
 * Copy k of the week moves every date 28·k days on (the week spans 23 days, so copies never
 * share a day), so the store spans 2009 to about 2028 at the default size, as bench api's.
 * --keep keeps the schema (hw_bench_archive) for a later `bench api --schema`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { XMLParser } from 'fast-xml-parser';
import pg from 'pg';
import { decodeXml } from '../src/debate/decode.js';
import { listSourceFiles } from '../src/ingest/source-files.js';
import { procCpuSeconds, tagUrl } from './lib/backend-cpu.js';
import { corpusDir, mbps, positiveArg, requireCorpus } from './support.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SHIFT_DAYS = 28;
const REPO = path.resolve(import.meta.dirname, '..');
/** Speeches in the latest versions of the shared week (tests/support/corpus.ts). */
const WEEK_SPEECHES = 7942;
const TARGET = { speeches: 2_000_000, seconds: 600 };

interface Options {
  speeches: number;
  keep: boolean;
  chunkMb: number;
  seconds: number;
}

function parseOptions(args: string[]): Options {
  const opts: Options = { speeches: TARGET.speeches, keep: false, chunkMb: 256, seconds: 30 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): number => positiveArg(a, args[++i]);
    if (a === '--speeches') opts.speeches = value();
    else if (a === '--chunk-mb') opts.chunkMb = value();
    else if (a === '--seconds') opts.seconds = value();
    else if (a === '--keep') opts.keep = true;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

function shiftDate(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const DATE_2009 = /2009-\d\d-\d\d/g;

/** Copies 0..copies-1 of the week, copy k 28·k days on; returns bytes written. Latin-1 keeps each file's own bytes. */
function replicate(dir: string, copies: number): { bytes: number; files: number } {
  const src = path.join(corpusDir, 'scrapedxml');
  let bytes = 0;
  let files = 0;
  mkdirSync(path.join(dir, 'members'), { recursive: true });
  writeFileSync(
    path.join(dir, 'members', 'people.json'),
    readFileSync(path.join(corpusDir, 'members', 'people.json')),
  );
  const week = readdirSync(src).map((type) => ({
    type,
    files: readdirSync(path.join(src, type))
      .filter((n) => n.endsWith('.xml'))
      .map((name) => ({ name, text: readFileSync(path.join(src, type, name), 'latin1') })),
  }));
  for (const { type } of week) mkdirSync(path.join(dir, 'scrapedxml', type), { recursive: true });
  for (let k = 0; k < copies; k++) {
    const shift = (s: string) => (k === 0 ? s : s.replace(DATE_2009, (d) => shiftDate(d, k * SHIFT_DAYS)));
    for (const { type, files: list } of week) {
      const lines: string[] = [];
      for (const f of list) {
        const name = shift(f.name);
        const text = shift(f.text);
        writeFileSync(path.join(dir, 'scrapedxml', type, name), text, 'latin1');
        bytes += Buffer.byteLength(text, 'latin1');
        files++;
        lines.push(`${1_000_000 + files},${name}`);
      }
      writeFileSync(path.join(dir, 'scrapedxml', type, 'changedates.txt'), lines.join('\n') + '\n', {
        flag: k === 0 ? 'w' : 'a',
      });
    }
  }
  return { bytes, files };
}

function fastXmlBaseline(): number {
  const sources = listSourceFiles(corpusDir);
  const texts = sources.map((f) => decodeXml(readFileSync(f.path)));
  const bytes = sources.reduce((n, f) => n + readFileSync(f.path).length, 0);
  const parser = new XMLParser();
  const t = performance.now();
  for (const text of texts) parser.parse(text);
  return mbps(bytes, (performance.now() - t) / 1000);
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface ChildRun {
  code: number | null;
  seconds: number;
  /** The CLI process's own peak (VmHWM, its worker threads included). */
  peakRssMb: number;
  /** The largest peak of one of its Postgres backends, and their CPU seconds. */
  backendPeakRssMb: number;
  backendCpu: number;
  nodeCpu: number;
  stdout: string;
  stderrLines: string[];
}

/** Runs the CLI from source with the bench schema, sampling its and its backends' memory every 250 ms. */
async function runCli(args: string[], schema: string, onLine?: (line: string) => void): Promise<ChildRun> {
  const url = new URL(tagUrl(DATABASE_URL, schema));
  url.searchParams.set('options', `-c search_path=${schema}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  const stderrLines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrLines.push(line);
    onLine?.(line);
  });
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const backends = new Map<number, { hwm: number; cpu: number }>();
  let peak = 0;
  let nodeCpu = 0;
  const sample = async () => {
    if (child.pid) {
      peak = Math.max(peak, statusKb(child.pid, 'VmHWM'));
      nodeCpu = Math.max(nodeCpu, procCpuSeconds(child.pid));
    }
    const rows = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [schema],
    );
    for (const { pid } of rows.rows) {
      const b = backends.get(pid) ?? { hwm: 0, cpu: 0 };
      b.hwm = Math.max(b.hwm, statusKb(pid, 'VmHWM'));
      b.cpu = Math.max(b.cpu, procCpuSeconds(pid));
      backends.set(pid, b);
    }
  };
  const timer = setInterval(() => void sample().catch(() => undefined), 250);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  await admin.end();
  const list = [...backends.values()];
  return {
    code,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peak / 1024,
    backendPeakRssMb: Math.max(0, ...list.map((b) => b.hwm)) / 1024,
    backendCpu: list.reduce((n, b) => n + b.cpu, 0),
    nodeCpu,
    stdout,
    stderrLines,
  };
}

interface Stages {
  bytes: number;
  committed: number;
  indexed: number;
  tagged: number;
  done: number;
  speeches: number;
  /** Wall time from the commit until both indexing and tagging were done. */
  afterCommit: number;
}

/** Sums the per-chunk stage lines `backfill --source` prints (src/cli/backfill-source.ts stageLine). */
function sumStages(lines: string[]): Stages {
  const out: Stages = { bytes: 0, committed: 0, indexed: 0, tagged: 0, afterCommit: 0, done: 0, speeches: 0 };
  const re =
    /^chunk \d+ files, ([\d.]+) MB, (\d+) speeches: committed ([\d.]+) s, indexed ([\d.]+) s .* tagged ([\d.]+) s .* done ([\d.]+) s/;
  for (const line of lines) {
    const m = re.exec(line);
    if (!m) continue;
    const [mb, speeches, committed, indexed, tagged, done] = m.slice(1).map(Number) as number[];
    const chunkDone = done ?? 0;
    out.bytes += (mb ?? 0) * 1e6;
    out.speeches += speeches ?? 0;
    // Stage times are from the chunk's start. Indexing and tagging both start at the commit
    // and run at once (src/app/subscriptions.ts), so each is timed from the commit, and the
    // time they add to the chunk is the later of the two.
    const c = committed ?? 0;
    out.committed += c;
    out.indexed += Math.max(0, (indexed ?? 0) - c);
    out.tagged += Math.max(0, (tagged ?? 0) - c);
    out.afterCommit += Math.max(0, (indexed ?? 0) - c, (tagged ?? 0) - c);
    out.done += chunkDone;
  }
  return out;
}

async function schemaSize(schema: string): Promise<{ bytes: number; speeches: number; paragraphs: number }> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    const [size] = (
      await c.query<{ bytes: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
        [schema],
      )
    ).rows;
    const [n] = (
      await c.query<{ s: number; p: number }>(
        `SELECT (SELECT count(*)::int FROM ${schema}.speeches) AS s, (SELECT count(*)::int FROM ${schema}.paragraphs) AS p`,
      )
    ).rows;
    return { bytes: Number(size?.bytes ?? 0), speeches: n?.s ?? 0, paragraphs: n?.p ?? 0 };
  } finally {
    await c.end();
  }
}

/** One new sitting day (the week's first Commons debate, moved past the archive's end), as its own mirror. */
function newDay(dir: string, copies: number): { dir: string; date: string } {
  const name = 'debates2009-10-26b.xml';
  const days = copies * SHIFT_DAYS + 7;
  const text = readFileSync(path.join(corpusDir, 'scrapedxml', 'debates', name), 'latin1').replace(
    DATE_2009,
    (d) => shiftDate(d, days),
  );
  const out = path.join(dir, 'scrapedxml', 'debates');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(
      out,
      name.replace(DATE_2009, (d) => shiftDate(d, days)),
    ),
    text,
    'latin1',
  );
  return { dir, date: shiftDate('2009-10-26', days) };
}

export async function main(args: string[]): Promise<void> {
  requireCorpus();
  const opts = parseOptions(args);
  const copies = Math.max(1, Math.ceil(opts.speeches / WEEK_SPEECHES));
  const schema = opts.keep ? 'hw_bench_archive' : `hw_bench_archive_${Date.now()}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hw-archive-'));
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${os.availableParallelism()} CPUs)`,
  );
  try {
    const parseOnly = fastXmlBaseline();
    console.log(
      `baseline  fast-xml-parser parse only (1 thread, decoded text, the week): ${parseOnly.toFixed(1)} MB/s`,
    );
    let t = performance.now();
    const corpus = replicate(path.join(tmp, 'mirror'), copies);
    console.log(
      `replicated: ${copies} copies of the week, ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);

    let lastProgress = 0;
    const load = await runCli(
      ['backfill', '--source', path.join(tmp, 'mirror'), '--chunk-mb', String(opts.chunkMb)],
      schema,
      (line) => {
        // Progress every 30 s is enough for a run of minutes.
        if (line.startsWith('backfill ') && performance.now() - lastProgress > 30_000) {
          lastProgress = performance.now();
          console.log(`  ${line}`);
        }
      },
    );
    if (load.code !== 0) {
      console.log(load.stderrLines.slice(-20).join('\n'));
      throw new Error(`backfill exited with ${load.code}`);
    }
    const stages = sumStages(load.stderrLines);
    const size = await schemaSize(schema);
    const rate = (s: number) => `${mbps(stages.bytes, s).toFixed(1)} MB/s`;
    console.log(
      `\nhansard-watch backfill --source (the batch ingest), ${size.speeches.toLocaleString()} speeches, ${size.paragraphs.toLocaleString()} paragraphs:`,
    );
    console.log(
      `  commit (read → parse → committed, vectors written with the rows): ${stages.committed.toFixed(0)} s, ${rate(stages.committed)}`,
    );
    console.log(
      `  index (paragraphs left to to_tsvector after the commit):          ${stages.indexed.toFixed(0)} s`,
    );
    console.log(
      `  tag (tagger, speech and paragraph tags), alongside the index:     ${stages.tagged.toFixed(0)} s`,
    );
    console.log(
      `  index and tag together, after the commit:                         ${stages.afterCommit.toFixed(0)} s`,
    );
    console.log(
      `  end to end: ${load.seconds.toFixed(0)} s wall (${rate(load.seconds)}); ratio to fast-xml-parser ${(mbps(stages.bytes, load.seconds) / parseOnly).toFixed(2)}`,
    );
    const vacuum = load.stderrLines
      .map((l) => /^vacuumed and analysed in ([\d.]+) s/.exec(l)?.[1])
      .find(Boolean);
    console.log(`  VACUUM (ANALYZE) at the end of the backfill (in the wall time): ${vacuum ?? '?'} s`);
    console.log(
      `  CPU seconds: CLI ${load.nodeCpu.toFixed(0)} (all threads), its Postgres backends ${load.backendCpu.toFixed(0)}`,
    );
    console.log(
      `  peak RSS: CLI ${load.peakRssMb.toFixed(0)} MB; largest Postgres backend ${load.backendPeakRssMb.toFixed(0)} MB`,
    );
    console.log(`  database size (the schema's tables and indexes): ${(size.bytes / 1e9).toFixed(2)} GB`);
    const per2M = (load.seconds * TARGET.speeches) / Math.max(size.speeches, 1);
    console.log(
      `  scaled to 2,000,000 speeches: ${(per2M / 60).toFixed(1)} min (target <= ${TARGET.seconds / 60} min: ${per2M <= TARGET.seconds ? 'met' : 'NOT met'}); ` +
        `to 6.2M: ${((per2M * 3.1) / 60).toFixed(1)} min (linear)`,
    );

    const day = newDay(path.join(tmp, 'new-day'), copies);
    const one = await runCli(['ingest', '--source', day.dir, '--no-members'], schema);
    const [check] = (
      await admin.query<{ searchable: number; tagged: number; queued: number }>(
        `SELECT (SELECT count(*)::int FROM ${schema}.paragraph_search WHERE sitting_date = $1) AS searchable,
                (SELECT count(*)::int FROM ${schema}.speech_tags WHERE sitting_date = $1) AS tagged,
                (SELECT count(*)::int FROM ${schema}.search_pending) + (SELECT count(*)::int FROM ${schema}.tag_pending) AS queued`,
        [day.date],
      )
    ).rows;
    console.log(
      `\none new day (${day.date}) once loaded, hansard-watch ingest of its file: ${one.seconds.toFixed(1)} s wall, process start included ` +
        `(${one.stdout.match(/indexed and tagged in ([\d.]+) s/)?.[1] ?? '?'} s inside); ${check?.searchable} paragraphs searchable, ` +
        `${check?.tagged} speech tags, ${check?.queued} days still queued; peak RSS ${one.peakRssMb.toFixed(0)} MB`,
    );

    console.log('\nbench api load against this store:');
    t = performance.now();
    const api = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'run.ts'),
        'api',
        '--schema',
        schema,
        '--speeches',
        '1',
        '--only',
        'load',
        '--concurrency',
        '1,4,16',
        '--seconds',
        String(opts.seconds),
      ],
      { stdio: 'inherit', env: process.env },
    );
    const apiCode = await new Promise<number | null>((resolve) => api.on('exit', (c) => resolve(c)));
    console.log(`bench api exited ${apiCode} after ${((performance.now() - t) / 1000).toFixed(0)} s`);
    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (!opts.keep) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
