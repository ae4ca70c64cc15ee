/**
 * `hansard-watch export --format csv|jsonl|parquet --out FILE [filters] [--per paragraph|speech]`:
 * the research export to a file, with the same filters (and the same validation) as
 * GET /api/v1/export, and a progress bar. The file appears under its name only when
 * complete: rows go to FILE.partial, renamed at the end, removed on failure.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { EXPORT_FORMATS, exportRows } from '../export/index.js';
import { ExportRepository } from '../export/export-repository.js';
import { fieldIssues, toSpeechFilters } from '../search/filters.js';
import { exportQuery, type ExportQuery } from '../web/api/schemas.js';
import { withStore } from './context.js';

export interface ExportArgs {
  format: string;
  out: string;
  per?: string;
  q?: string;
  tag?: string;
  minConfidence?: string;
  tagged?: boolean;
  person?: string;
  party?: string;
  house?: string;
  type?: string;
  from?: string;
  to?: string;
  excel?: boolean;
}

/** The CLI's options as the API's query parameters, validated by the same schema. */
export function parseExportArgs(args: ExportArgs): ExportQuery {
  const { out: _out, ...params } = args;
  const defined = Object.fromEntries(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== false),
  );
  const parsed = exportQuery.safeParse(defined);
  if (!parsed.success) {
    const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new Error(
      fieldIssues(parsed.error)
        .map((i) => `${flag(i.field)}: ${i.message}`)
        .join('\n'),
    );
  }
  return parsed.data;
}

/** Where an export reports how far it has got: a progress bar here, messages from a worker. */
export interface ExportProgress {
  start(total: number): void;
  update(rows: number): void;
}

/** What an export to a file did, for the closing line. */
export interface ExportOutcome {
  rows: number;
  seconds: number;
}

/**
 * Parquet is written on a worker thread with a capped heap. Its encoder holds a row group
 * and its pages, and on the main thread V8 let the old generation grow to several times
 * the ~40 MB live (246 MB peak RSS for a million rows); capped, the same export peaks at
 * ~180 MB for ~10% more CPU (docs/architecture.md). The text formats need no cap.
 */
const PARQUET_HEAP = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 48 };

export async function runExport(args: ExportArgs): Promise<number> {
  const q = parseExportArgs(args);
  const toStdout = args.out === '-';
  const bar =
    process.stderr.isTTY && !toStdout
      ? new cliProgress.SingleBar(
          {
            format: 'export [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left',
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const progress: ExportProgress = {
    start: (total) => bar?.start(total, 0),
    update: (rows) => bar?.update(rows),
  };
  try {
    const { rows, seconds } =
      q.format === 'parquet' && !toStdout
        ? await exportInWorker(args, progress)
        : await exportToFile(args, q, progress, bar !== null);
    bar?.stop();
    const where = toStdout ? 'stdout' : args.out;
    process.stderr.write(
      `${rows} rows (${q.per} mode, ${EXPORT_FORMATS[q.format].extension}) to ${where} in ${seconds.toFixed(1)} s\n`,
    );
    return 0;
  } catch (err) {
    bar?.stop();
    throw err;
  }
}

/** The export itself, in whichever thread runs it; `counted` asks for the row total first (for a bar). */
export async function exportToFile(
  args: ExportArgs,
  q: ExportQuery,
  progress: ExportProgress,
  counted: boolean,
): Promise<ExportOutcome> {
  const toStdout = args.out === '-';
  return withStore(async ({ db, log }) => {
    const repo = new ExportRepository(db);
    const filters = toSpeechFilters(q);
    if (counted) progress.start(await repo.count(filters, q.per));
    const partial = `${args.out}.partial`;
    const out = toStdout ? process.stdout : createWriteStream(partial);
    const started = performance.now();
    try {
      const { rows } = await exportRows(q.format, repo.rows(filters, q.per), out, {
        bom: q.excel ?? false,
        safeForSpreadsheets: q.excel ?? false,
        metadata: { 'hansard-watch.mode': q.per, 'hansard-watch.filters': JSON.stringify(filters) },
        onProgress: (n) => progress.update(n),
        end: !toStdout,
      });
      if (!toStdout) await rename(partial, args.out);
      return { rows, seconds: (performance.now() - started) / 1000 };
    } catch (err) {
      if (!toStdout) await rm(partial, { force: true });
      log.error({ err }, 'export failed');
      throw err;
    }
  });
}

/** Messages from src/cli/export-worker.ts. */
export type ExportWorkerMessage =
  | { kind: 'start'; total: number }
  | { kind: 'progress'; rows: number }
  | { kind: 'done'; outcome: ExportOutcome }
  | { kind: 'failed'; message: string };

async function exportInWorker(args: ExportArgs, progress: ExportProgress): Promise<ExportOutcome> {
  const { startWorker } = await import('../worker-thread.js');
  const worker = startWorker(import.meta.url, 'export-worker', {
    workerData: { args, counted: process.stderr.isTTY },
    resourceLimits: PARQUET_HEAP,
  });
  return new Promise<ExportOutcome>((resolve, reject) => {
    let outcome: ExportOutcome | null = null;
    worker.on('message', (m: ExportWorkerMessage) => {
      if (m.kind === 'start') progress.start(m.total);
      else if (m.kind === 'progress') progress.update(m.rows);
      else if (m.kind === 'done') outcome = m.outcome;
      else reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      outcome ? resolve(outcome) : reject(new Error(`export worker stopped (exit code ${code})`)),
    );
  });
}
