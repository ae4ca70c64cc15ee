import { readFile } from 'node:fs/promises';
import { compareVersions } from '../debate/feed-file.js';
import type { ParseLimits } from '../debate/limits.js';
import type { Logger } from '../log.js';
import type { PeopleData } from '../member/types.js';
import type { Db } from '../store/db.js';
import { ParsePool, PrepareError, toIssue } from './parse-pool.js';
import { sha256Hex } from '../store/checksum.js';
import type { PreparedFile } from './rows.js';
import { logWarnings, recordFailure } from './ingest-one.js';
import { SittingRepository, type ApplyResult } from './sitting-repository.js';
import { DayWrites } from './day-writes.js';
import { searchVectorSettings } from './search-index.js';
import { analyzeAfterBatch } from './table-stats.js';
import { emptyReport, type IngestBus } from '../events/ingest.js';
import type { SourceFile } from './source-files.js';

export interface IngestSummary {
  files: number;
  /** Became the current version of their day. */
  ingested: number;
  /** Older versions of a day already stored in a newer one: redirects recorded. */
  superseded: number;
  unchanged: number;
  /** Files that could not be ingested, and days that could not be indexed or tagged. */
  failed: { file: string; message: string }[];
  /** Speeches and paragraphs stored, after the run, for the days its files belong to. */
  speeches: number;
  paragraphs: number;
  warnings: number;
  bytes: number;
  /** Until the last file's rows were committed. */
  committedSeconds: number;
  /** Until the days left to the indexer were indexed (published `days-indexed`); 0 when not indexed. */
  indexedSeconds: number;
  /** Until tagging was done (published `speeches-tagged`); 0 when not tagged. */
  taggedSeconds: number;
  /** Until everything was also full-text indexed and tagged (the whole run). */
  seconds: number;
  /** Paragraphs given their search vector by this run. */
  indexed: number;
  /** Speeches tagged by this run. */
  tagged: number;
  /** Speeches new or changed by this run, for tagging and alerts downstream. */
  changedSpeechGids: string[];
}

export interface IngestOptions {
  /** Parse worker threads; 0 parses on the main thread. */
  workers: number;
  /** Files written at once on a server (default 2); PGlite always writes one at a time. */
  writeConnections?: number;
  people: PeopleData | null;
  log: Logger;
  onFile?: (file: SourceFile, outcome: ApplyResult['status'] | 'failed') => void;
  /**
   * Where `file-ingested` is published once every file is committed. Its subscribers (the
   * composition root's: search indexing, tagging) run within the run and report into its
   * summary; a day they leave queued waits for a later run or worker.
   */
  events: IngestBus;
  /** Bounds on one document (default DEFAULT_PARSE_LIMITS); a file over one fails by name. */
  limits?: Readonly<ParseLimits> | undefined;
  /**
   * true: the parse workers work out the search vectors they can (search-vector.ts) and the
   * write stores them with the rows. Off by default for a batch: measured on the shared
   * 2-core machine (bench ingest --compare, docs/operations.md) it moved as much CPU into
   * the workers as it saved in Postgres, and the commit stage slowed by the GIN inserts.
   */
  searchVectors?: boolean | undefined;
}

function emptySummary(files: number): IngestSummary {
  return {
    files,
    ingested: 0,
    superseded: 0,
    unchanged: 0,
    failed: [],
    speeches: 0,
    paragraphs: 0,
    warnings: 0,
    bytes: 0,
    committedSeconds: 0,
    indexedSeconds: 0,
    taggedSeconds: 0,
    seconds: 0,
    indexed: 0,
    tagged: 0,
    changedSpeechGids: [],
  };
}

/**
 * Ingests a batch: parsing runs on the pool while the previous file is written, writes go
 * one file per transaction, and a file that fails is recorded and skipped, never stopping
 * the batch.
 */
export async function ingestFiles(db: Db, files: SourceFile[], opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const repo = new SittingRepository(db);
  const known = await repo.knownChecksums();
  const search = opts.searchVectors === true ? await searchVectorSettings(db) : null;
  const pool = new ParsePool(opts.workers, opts.people, opts.limits, search);
  const summary = emptySummary(files.length);
  // A server writes files of different days on separate connections at once.
  const writes = new DayWrites(db.kind === 'postgres' ? (opts.writeConnections ?? 2) : 1);
  const inFlight = new Set<Promise<void>>();
  // Parsed files waiting to be written: enough that a connection never waits for the pool.
  const maxInFlight = Math.max(4, opts.workers * 4);

  const fail = async (file: SourceFile, err: unknown) => {
    const issue = err instanceof PrepareError ? err.issue : toIssue(err, file.name);
    summary.failed.push({
      file: file.path,
      message: issue.message + (issue.line !== undefined ? ` (line ${issue.line})` : ''),
    });
    await recordFailure(db, file.name, issue, opts.log);
    opts.onFile?.(file, 'failed');
  };

  const write = (file: SourceFile, preparing: Promise<PreparedFile>) =>
    writes.queue(
      file.groupKey,
      preparing,
      async (prepared) => {
        try {
          const res = await repo.apply(prepared);
          if (res.status !== 'unchanged') logWarnings(opts.log, file.name, prepared.issues);
          tally(summary, prepared, res);
          opts.onFile?.(file, res.status);
        } catch (err) {
          await fail(file, err);
        }
      },
      (err) => fail(file, err),
    );

  try {
    for (const file of newestFirst(files)) {
      const bytes = await readFile(file.path);
      const checksum = sha256Hex(bytes);
      summary.bytes += bytes.length;
      if (known.get(file.name) === checksum) {
        summary.unchanged++;
        opts.onFile?.(file, 'unchanged');
        continue;
      }
      const preparing = pool.prepare(bytes, file.name, file.type, checksum);
      // Handled when its turn to be written comes; until then it must not count as unhandled.
      preparing.catch(() => undefined);
      const job = write(file, preparing);
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    // The indexer and tagger below plan their per-day reads from these statistics.
    await analyzeAfterBatch(db, summary.changedSpeechGids.length, opts.log);
    summary.committedSeconds = (performance.now() - started) / 1000;
    // Indexing after the writes, not beside them: measured, overlapping only made both
    // fight for the same two cores (indexing and tagging do overlap each other: see
    // app/subscriptions.ts). A day that cannot be indexed or tagged is recorded and
    // left behind, not fatal: it must not stop this run's other days, nor (still queued)
    // every later run.
    const report = emptyReport();
    const since = () => (performance.now() - started) / 1000;
    const stages = [
      opts.events.on('days-indexed', 'batch summary', async () => void (summary.indexedSeconds = since())),
      opts.events.on('speeches-tagged', 'batch summary', async () => void (summary.taggedSeconds = since())),
    ];
    try {
      await opts.events.publish(
        'file-ingested',
        { files: files.map((f) => f.name), batch: true, report },
        { log: opts.log },
      );
    } finally {
      for (const off of stages) off();
    }
    summary.indexed = report.indexed;
    summary.tagged = report.tagged;
    summary.failed.push(...report.failed);
  } finally {
    await pool.close();
  }
  await countStored(db, files, summary);
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/**
 * Within a batch, each day's newest version goes first: the older ones then only add their
 * redirects instead of being written and replaced. The end state is the same in any order.
 */
export function newestFirst(files: SourceFile[]): SourceFile[] {
  const groups = new Map<string, SourceFile[]>();
  for (const f of files) groups.set(f.groupKey, [...(groups.get(f.groupKey) ?? []), f]);
  return [...groups.values()].flatMap((g) => g.sort((a, b) => compareVersions(b.version, a.version)));
}

/** Speeches and paragraphs now stored for the days the batch touched: what a person checks against the feed. */
async function countStored(db: Db, files: SourceFile[], summary: IngestSummary): Promise<void> {
  const groups = [...new Set(files.map((f) => f.groupKey))];
  const [row] = await db.query<{ speeches: number; paragraphs: number }>(
    `SELECT count(DISTINCT s.gid)::int AS speeches, count(p.seq)::int AS paragraphs
       FROM speeches s LEFT JOIN paragraphs p ON p.speech_gid = s.gid WHERE s.group_key = ANY($1::text[])`,
    [groups],
  );
  summary.speeches = row?.speeches ?? 0;
  summary.paragraphs = row?.paragraphs ?? 0;
}

function tally(summary: IngestSummary, prepared: PreparedFile, res: ApplyResult): void {
  summary.warnings += res.status === 'unchanged' ? 0 : prepared.issues.length;
  if (res.status === 'unchanged') summary.unchanged++;
  else if (res.status === 'superseded') summary.superseded++;
  else {
    summary.ingested++;
    summary.changedSpeechGids.push(...res.changedSpeechGids);
  }
}
