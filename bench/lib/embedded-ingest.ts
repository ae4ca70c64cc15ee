/**
 * `npm run bench ingest [MB] --embedded`: the same ingest into Postgres and into embedded
 * PGlite, each in a process of its own so that each peak RSS is its own, then the README's
 * main command (`hansard-watch ingest --source <week>`, no environment, a fresh data
 * directory) with its peak RSS against the 500 MB target. Peak RSS is the process's own
 * (getrusage); with /usr/bin/time present, also the largest of the process and its
 * children (the one-time store creation runs in a child).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusDir, mbps } from '../support.js';

const repo = path.join(import.meta.dirname, '..', '..');
const TIME = '/usr/bin/time';

interface Measured {
  stdout: string;
  stderr: string;
  status: number | null;
  ownMb: number | null;
  treeMb: number | null;
}

function measure(args: string[], env: NodeJS.ProcessEnv, tsx = true): Measured {
  const node = [
    process.execPath,
    ...(tsx ? ['--import', 'tsx'] : []),
    '--import',
    path.join(repo, 'bench/lib/report-rss.mjs'),
    ...args,
  ];
  const withTime = existsSync(TIME);
  const res = spawnSync(
    withTime ? TIME : node[0]!,
    withTime ? ['-f', 'HW_TREE_MAX_RSS_KB=%M', ...node] : node.slice(1),
    {
      cwd: repo,
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  const own = /HW_BENCH_MAX_RSS_MB=(\d+)/.exec(res.stderr)?.[1];
  const tree = /HW_TREE_MAX_RSS_KB=(\d+)/.exec(res.stderr)?.[1];
  return {
    stdout: res.stdout,
    stderr: res.stderr,
    status: res.status,
    ownMb: own ? Number(own) : null,
    treeMb: tree ? Math.round(Number(tree) / 1024) : null,
  };
}

function rss(m: Measured): string {
  return `peak RSS ${m.ownMb ?? '?'} MB${m.treeMb !== null ? ` (${m.treeMb} MB with child processes)` : ''}`;
}

function ingestChild(label: string, target: string, dir: string, workers: number, parseOnly: number): void {
  const m = measure(['bench/lib/ingest-child.ts', target, dir, String(workers)], process.env);
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

export function runEmbedded(opts: { url: string; dir: string; workers: number; parseOnly: number }): void {
  ingestChild(`Postgres (${opts.workers} workers)`, opts.url, opts.dir, opts.workers, opts.parseOnly);
  const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'hw-bench-pglite-'));
  try {
    ingestChild(
      `PGlite   (${opts.workers} workers)`,
      path.join(pgliteDir, 'pglite'),
      opts.dir,
      opts.workers,
      opts.parseOnly,
    );
  } finally {
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  // The README's command as a new user runs it: no environment but PATH and HOME.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-bench-readme-'));
  try {
    // As `npx hansard-watch` runs it: the built CLI (tsx's loader adds about 90 MB of its own).
    const build = spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
    const t = performance.now();
    const m = measure(
      ['bin/hansard-watch.js', 'ingest', '--source', corpusDir],
      {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HW_DATA_DIR: path.join(dataDir, 'data'),
      },
      false,
    );
    const seconds = (performance.now() - t) / 1000;
    const own = m.ownMb ?? Infinity;
    console.log(
      `README command (hansard-watch ingest --source <week>, embedded, tagged; built CLI): ` +
        `${m.status === 0 ? 'ok' : `exit ${m.status}`} in ${seconds.toFixed(1)} s; ${rss(m)}`,
    );
    const tree = m.treeMb ?? own;
    console.log(
      `target: README command peak RSS <= 500 MB: the ingest process ${own <= 500 ? 'met' : 'NOT met'} (${own} MB); ` +
        `with the one-time store-creation child ${tree <= 500 ? 'met' : 'NOT met'} (${tree} MB)`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
