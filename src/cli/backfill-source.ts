/**
 * `hansard-watch backfill --source <pwdata mirror>`: the whole archive (or the part in
 * --from/--to/--types) through the batch ingest, in chunks of whole days, each chunk
 * committed, indexed and tagged before the next. Resuming needs no bookkeeping of its own:
 * every file is one transaction that records it in feed_files, so a rerun skips the files
 * whose name and checksum are stored (before parsing them), and the days a killed run
 * committed but had not yet indexed or tagged wait in search_pending / tag_pending, which
 * the next chunk drains. Progress (files, speeches, MB/s, ETA) goes to stderr.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import { parseLimits } from '../config.js';
import { FEED_TYPES, type FeedType } from '../parliament/index.js';
import { ingestBatch } from '../app/ingest.js';
import type { IngestSummary } from '../ingest/ingest.js';
import { listSourceFiles, type SourceFile } from '../ingest/source-files.js';
import { vacuumAfterBackfill } from '../ingest/table-stats.js';
import { MemberRepository } from '../member/member-repository.js';
import { loadMembersFile } from '../member/member-service.js';
import { createDefaultTagger } from '../tag/index.js';
import { withStore } from './context.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface SourceBackfillArgs {
  source: string;
  from?: string | undefined;
  to?: string | undefined;
  types?: string | undefined;
  /** MB of XML per chunk (default 256): how much is committed before it is indexed and tagged. */
  chunkMb?: string | undefined;
  tag?: boolean | undefined;
  /** Vectors from the parse workers (search-vector.ts): pays when Postgres is on another host. */
  searchVectors?: boolean | undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_CHUNK_MB = 256;

/** Chunks of about `maxBytes`, never splitting the versions of one day (newestFirst orders them within a chunk). */
export function chunkByDay(
  files: readonly SourceFile[],
  sizes: readonly number[],
  maxBytes: number,
): SourceFile[][] {
  const days = new Map<string, { files: SourceFile[]; bytes: number }>();
  files.forEach((f, i) => {
    const day = days.get(f.groupKey) ?? { files: [], bytes: 0 };
    day.files.push(f);
    day.bytes += sizes[i] ?? 0;
    days.set(f.groupKey, day);
  });
  const chunks: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let bytes = 0;
  for (const day of days.values()) {
    if (current.length > 0 && bytes + day.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(...day.files);
    bytes += day.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Files, speeches, MB/s and ETA, on one line: the rate counts only files this run parsed. */
export class BackfillProgress {
  private readonly started = performance.now();
  files = 0;
  speeches = 0;
  bytesDone = 0;
  /** Bytes of files found already stored (skipped before parsing): not part of the rate. */
  bytesSkipped = 0;

  constructor(
    private readonly totalFiles: number,
    private readonly totalBytes: number,
  ) {}

  line(): string {
    const seconds = (performance.now() - this.started) / 1000;
    const worked = this.bytesDone - this.bytesSkipped;
    const rate = worked / 1e6 / Math.max(seconds, 1e-3);
    const left = this.totalBytes - this.bytesDone;
    const eta = rate > 0 ? left / 1e6 / rate : Infinity;
    return (
      `backfill ${this.files}/${this.totalFiles} files, ${this.speeches} speeches, ` +
      `${(this.bytesDone / 1e6).toFixed(0)}/${(this.totalBytes / 1e6).toFixed(0)} MB, ` +
      `${rate.toFixed(1)} MB/s, ETA ${formatSeconds(eta)}`
    );
  }
}

/** One chunk's stages, each timed from the chunk's start (bench/archive.ts reads these lines). */
export function stageLine(s: IngestSummary): string {
  const mb = s.bytes / 1e6;
  return (
    `chunk ${s.files} files, ${mb.toFixed(1)} MB, ${s.speeches} speeches: committed ${s.committedSeconds.toFixed(1)} s, ` +
    `indexed ${s.indexedSeconds.toFixed(1)} s (${s.indexed} paragraphs by to_tsvector), ` +
    `tagged ${s.taggedSeconds.toFixed(1)} s (${s.tagged} speeches), done ${s.seconds.toFixed(1)} s`
  );
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
}

function parseTypes(list: string | undefined): FeedType[] | undefined {
  if (!list) return undefined;
  const types = list.split(',').map((t) => t.trim());
  const bad = types.filter((t) => !(FEED_TYPES as readonly string[]).includes(t));
  if (bad.length) throw new Error(`unknown --types ${bad.join(', ')}; known: ${FEED_TYPES.join(', ')}`);
  return types as FeedType[];
}

export async function runSourceBackfill(args: SourceBackfillArgs): Promise<number> {
  for (const [flag, v] of [
    ['--from', args.from],
    ['--to', args.to],
  ] as const)
    if (v !== undefined && !DATE.test(v)) throw new Error(`${flag} must be a date like 2016-01-01, got ${v}`);
  const chunkMb = Number(args.chunkMb ?? DEFAULT_CHUNK_MB);
  if (!(chunkMb > 0)) throw new Error(`--chunk-mb must be a positive number, got ${args.chunkMb}`);
  const files = listSourceFiles(args.source, { types: parseTypes(args.types), from: args.from, to: args.to });
  const sizes = files.map((f) => statSync(f.path).size);
  return withStore(async ({ db, log, config }) => {
    const members = new MemberRepository(db);
    const peopleFile = path.join(args.source, 'members', 'people.json');
    if (existsSync(peopleFile)) await loadMembersFile(members, peopleFile, log);
    const people = await members.load();
    const progress = new BackfillProgress(
      files.length,
      sizes.reduce((a, b) => a + b, 0),
    );
    const sizeOf = new Map(files.map((f, i) => [f.path, sizes[i] ?? 0]));
    const tagger = args.tag === false ? null : createDefaultTagger();
    const say = () => process.stderr.write(`${progress.line()}\n`);
    const timer = setInterval(say, 5000);
    let failed = 0;
    try {
      for (const chunk of chunkByDay(files, sizes, chunkMb * 1e6)) {
        const summary = await ingestBatch(db, chunk, {
          workers: config.HW_INGEST_WORKERS ?? Math.min(os.availableParallelism(), 4),
          writeConnections: config.HW_WRITE_CONNECTIONS,
          people: people.persons.length ? people : null,
          log,
          tagger,
          searchVectors: args.searchVectors === true,
          limits: parseLimits(config),
          onFile: (f, outcome) => {
            progress.files++;
            progress.bytesDone += sizeOf.get(f.path) ?? 0;
            if (outcome === 'unchanged') progress.bytesSkipped += sizeOf.get(f.path) ?? 0;
          },
        });
        progress.speeches += summary.speeches;
        process.stderr.write(`${stageLine(summary)}\n`);
        failed += summary.failed.length;
        for (const f of summary.failed) process.stderr.write(`  FAILED ${f.file}: ${f.message}\n`);
        say();
      }
    } finally {
      clearInterval(timer);
    }
    process.stderr.write('vacuuming and analysing the loaded tables…\n');
    const vacuumed = await vacuumAfterBackfill(db, log);
    if (vacuumed !== null) process.stderr.write(`vacuumed and analysed in ${vacuumed.toFixed(1)} s\n`);
    process.stdout.write(`${progress.line()}; ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  });
}
