/**
 * The export itself, to a file or stdout, in whichever thread runs it (see
 * export-command.ts): the store, the cursor and the writers live here, so that the main
 * thread of a Parquet export, which only waits for its worker, does not load them.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { exportRows } from '../export/index.js';
import { ExportRepository, type ExportQueryOptions } from '../export/export-repository.js';
import { toSpeechFilters } from '../search/filters.js';
import type { ExportQuery } from '../web/api/schemas.js';
import { withStore } from './context.js';
import type { ExportArgs } from './export-args.js';

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

/** The export itself, in whichever thread runs it; `counted` asks for the row total first (for a bar). */
export async function exportToFile(
  args: ExportArgs,
  q: ExportQuery,
  progress: ExportProgress,
  counted: boolean,
  query: ExportQueryOptions = {},
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
      const { rows } = await exportRows(q.format, repo.rows(filters, q.per, query), out, {
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
