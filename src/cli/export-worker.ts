/**
 * The worker thread of `hansard-watch export --format parquet` (see export-command.ts): runs
 * the export with the arguments it was started with and reports to the main thread, which
 * owns the progress bar and the closing line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseExportArgs, type ExportArgs } from './export-args.js';
import type { ExportWorkerMessage } from './export-command.js';
import { exportToFile } from './export-file.js';

const { args, counted } = workerData as { args: ExportArgs; counted: boolean };
const post = (m: ExportWorkerMessage): void => parentPort?.postMessage(m);

exportToFile(
  args,
  parseExportArgs(args),
  { start: (total) => post({ kind: 'start', total }), update: (rows) => post({ kind: 'progress', rows }) },
  counted,
  // Twice the default fetch: half the round trips, so the encoder waits less for Postgres
  // (~8% faster), and the capped heap keeps the larger batches from costing RSS (~7 MB more).
  { batchSize: 2000 },
).then(
  (outcome) => post({ kind: 'done', outcome }),
  (err: unknown) => post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
);
