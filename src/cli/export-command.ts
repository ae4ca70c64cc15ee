/**
 * `hansard-watch export --format csv|jsonl|parquet --out FILE [filters] [--per paragraph|speech|vote]`:
 * the research export to a file, with the same filters (and the same validation) as
 * GET /api/v1/export, and a progress bar. The file appears under its name only when
 * complete: rows go to FILE.partial, renamed at the end, removed on failure.
 */
import cliProgress from 'cli-progress';
import { EXPORT_FORMATS } from '../export/formats.js';
import { parseExportArgs, type ExportArgs } from './export-args.js';
import type { ExportOutcome, ExportProgress } from './export-file.js';

export type { ExportArgs } from './export-args.js';

/**
 * Parquet is written on a worker thread with a capped heap. Its encoder holds a row group
 * and its pages, and on the main thread V8 let the old generation grow to several times
 * the ~40 MB live (215-270 MB peak RSS for a million rows); capped, the same export peaks
 * at ~190 MB for ~10% more CPU (docs/architecture.md). The old-generation cap also sets
 * how eagerly V8 collects: 96-640 MB behave alike, 1,024 MB was 7% faster at ~200 MB and
 * 2,048 MB 14% faster at 265 MB. The text formats need no cap.
 */
const PARQUET_HEAP = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 48 };

export async function runExport(args: ExportArgs): Promise<number> {
  if (args.per === 'vote') return (await import('./export-votes.js')).runVoteExport(args);
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
        : await (await import('./export-file.js')).exportToFile(args, q, progress, bar !== null);
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
