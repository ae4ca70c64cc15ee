/**
 * `npm run bench ingest [MB] --embedded`: the same ingest into Postgres and into embedded
 * PGlite, each in a process of its own so that each peak RSS is its own, then the README's
 * main command (`hansard-watch ingest --source <week>`, no environment) as a new user runs
 * it: first on a fresh data directory, then again over the store it made, beside the same
 * command on Postgres and beside the baseline, a new store made with PGlite's initdb as
 * before the template (HW_PGLITE_INITDB=1), all in this run, against the 500 MB target.
 *
 * Peak RSS is of the whole process tree: the sum over the process and its descendants alive
 * together, sampled from /proc every 20 ms, and never less than the largest single process's
 * exact peak (getrusage of the process; /usr/bin/time's for the largest of the tree).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { corpusDir, mbps } from '../support.js';

const repo = path.join(import.meta.dirname, '..', '..');
const TIME = '/usr/bin/time';
const TARGET_MB = 500;

interface Measured {
  stdout: string;
  stderr: string;
  status: number | null;
  seconds: number;
  /** The process's own getrusage peak. */
  ownMb: number | null;
  /** The largest single process of the tree (/usr/bin/time). */
  largestMb: number | null;
  /** The sampled peak of the tree's summed RSS, and how many processes made it. */
  treeMb: number | null;
  treeProcesses: number;
}

/** The larger of the sampled tree peak and the exact single-process peaks. */
function peak(m: Measured): number {
  return Math.max(m.treeMb ?? 0, m.largestMb ?? 0, m.ownMb ?? 0);
}

/** Resident KB of each process in the tree under `root` (itself included); empty without /proc. */
function treeRss(root: number): number[] {
  const children = new Map<number, number[]>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
    } catch {
      // Gone since the listing.
    }
  }
  const out: number[] = [];
  for (const stack = [root]; stack.length > 0;) {
    const pid = stack.pop()!;
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) out.push(Number(kb));
    } catch {
      // Gone since the listing.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

async function measure(args: string[], env: NodeJS.ProcessEnv, tsx = true): Promise<Measured> {
  const node = [
    process.execPath,
    ...(tsx ? ['--import', 'tsx'] : []),
    '--import',
    path.join(repo, 'bench/lib/report-rss.mjs'),
    ...args,
  ];
  const withTime = existsSync(TIME);
  const started = performance.now();
  const child = spawn(
    withTime ? TIME : node[0]!,
    withTime ? ['-f', 'HW_TREE_MAX_RSS_KB=%M', ...node] : node.slice(1),
    { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let treeKb = 0;
  let treeProcesses = 0;
  let sampled = false;
  const timer = setInterval(() => {
    if (child.pid === undefined) return;
    const rss = treeRss(child.pid);
    // /usr/bin/time's own RSS (about 2 MB) is left in: it is part of what runs.
    const sum = rss.reduce((a, b) => a + b, 0);
    if (rss.length > 0) sampled = true;
    if (sum > treeKb) [treeKb, treeProcesses] = [sum, rss.length];
  }, 20);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  clearInterval(timer);
  const own = /HW_BENCH_MAX_RSS_MB=(\d+)/.exec(stderr)?.[1];
  const largest = /HW_TREE_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1];
  return {
    stdout,
    stderr,
    status,
    seconds: (performance.now() - started) / 1000,
    ownMb: own ? Number(own) : null,
    largestMb: largest ? Math.round(Number(largest) / 1024) : null,
    treeMb: sampled ? Math.round(treeKb / 1024) : null,
    treeProcesses,
  };
}

function rss(m: Measured): string {
  const parts = [`peak RSS ${peak(m)} MB`];
  if (m.treeMb !== null) parts.push(`tree ${m.treeMb} MB over ${m.treeProcesses} process(es) at once`);
  if (m.largestMb !== null) parts.push(`largest process ${m.largestMb} MB`);
  if (m.ownMb !== null) parts.push(`main process ${m.ownMb} MB`);
  return `${parts[0]} (${parts.slice(1).join(', ')})`;
}

async function ingestChild(
  label: string,
  target: string,
  dir: string,
  workers: number,
  parseOnly: number,
): Promise<void> {
  const m = await measure(['bench/lib/ingest-child.ts', target, dir, String(workers)], process.env);
  const line = m.stdout.split('\n').find((l) => l.includes('"maxRssMb"'));
  if (m.status !== 0 || !line) {
    console.log(`${label}: FAILED (${m.status}): ${m.stderr.slice(-2000)}`);
    return;
  }
  const r = JSON.parse(line) as {
    bytes: number;
    committedSeconds: number;
    seconds: number;
    speeches: number;
    paragraphs: number;
    failed: number;
  };
  const committed = mbps(r.bytes, r.committedSeconds);
  console.log(
    `${label}: committed ${committed.toFixed(1)} MB/s in ${r.committedSeconds.toFixed(1)} s, indexed in ${r.seconds.toFixed(1)} s ` +
      `(${r.speeches} speeches, ${r.paragraphs} paragraphs, ${r.failed} failed); ${rss(m)}; ratio to parse-only ${(committed / parseOnly).toFixed(2)}`,
  );
}

/** A database of its own for the README command on Postgres, dropped afterwards. */
async function withDatabase<T>(url: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `hw_bench_readme_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const own = new URL(url);
    own.pathname = `/${name}`;
    return await fn(own.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export async function runEmbedded(opts: {
  url: string;
  dir: string;
  workers: number;
  parseOnly: number;
}): Promise<void> {
  await ingestChild(`Postgres (${opts.workers} workers)`, opts.url, opts.dir, opts.workers, opts.parseOnly);
  const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'hw-bench-pglite-'));
  try {
    await ingestChild(
      `PGlite   (${opts.workers} workers)`,
      path.join(pgliteDir, 'pglite'),
      opts.dir,
      opts.workers,
      opts.parseOnly,
    );
  } finally {
    rmSync(pgliteDir, { recursive: true, force: true });
  }

  // The README's command as a new user runs it: no environment but PATH and HOME, and as
  // `npx hansard-watch` runs it, the built CLI (tsx's loader adds about 90 MB of its own).
  const build = spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
  const bare = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const readme = (env: NodeJS.ProcessEnv) =>
    measure(['bin/hansard-watch.js', 'ingest', '--source', corpusDir], { ...bare, ...env }, false);
  const line = (label: string, m: Measured) =>
    console.log(
      `${label}: ${m.status === 0 ? 'ok' : `exit ${m.status}: ${m.stderr.slice(-1000)}`} in ${m.seconds.toFixed(1)} s; ${rss(m)}`,
    );
  console.log(`README command: hansard-watch ingest --source <week> (tagged; built CLI, no environment)`);
  const onPostgres = await withDatabase(opts.url, (url) => readme({ DATABASE_URL: url }));
  line('  Postgres (DATABASE_URL), for comparison            ', onPostgres);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-bench-readme-'));
  const baselineDir = mkdtempSync(path.join(os.tmpdir(), 'hw-bench-readme-initdb-'));
  try {
    const first = await readme({ HW_DATA_DIR: path.join(dataDir, 'data') });
    line('  embedded, first run (new store from the template)  ', first);
    const second = await readme({ HW_DATA_DIR: path.join(dataDir, 'data') });
    line('  embedded, second run (over that store)             ', second);
    const baseline = await readme({ HW_DATA_DIR: path.join(baselineDir, 'data'), HW_PGLITE_INITDB: '1' });
    line('  baseline: first run, new store by initdb (as before)', baseline);

    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '?');
    console.log(
      `ratios, first run to baseline: peak RSS ${ratio(peak(first), peak(baseline))}, time ${ratio(first.seconds, baseline.seconds)}; ` +
        `embedded to Postgres: first run peak RSS ${ratio(peak(first), peak(onPostgres))}, time ${ratio(first.seconds, onPostgres.seconds)}`,
    );
    const verdict = (m: Measured) =>
      `${m.status === 0 && peak(m) <= TARGET_MB ? 'met' : 'NOT met'} (${peak(m)} MB)`;
    console.log(
      `target: README command peak RSS <= ${TARGET_MB} MB over all its processes: ` +
        `first run ${verdict(first)}, second run ${verdict(second)}; baseline ${verdict(baseline)}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(baselineDir, { recursive: true, force: true });
  }
}
