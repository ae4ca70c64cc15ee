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

export async function runExport(args: ExportArgs): Promise<number> {
  const q = parseExportArgs(args);
  const toStdout = args.out === '-';
  return withStore(async ({ db, log }) => {
    const repo = new ExportRepository(db);
    const filters = toSpeechFilters(q);
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
    if (bar) bar.start(await repo.count(filters, q.per), 0);
    const partial = `${args.out}.partial`;
    const out = toStdout ? process.stdout : createWriteStream(partial);
    const started = performance.now();
    try {
      const { rows } = await exportRows(q.format, repo.rows(filters, q.per), out, {
        bom: q.excel ?? false,
        safeForSpreadsheets: q.excel ?? false,
        metadata: { 'hansard-watch.mode': q.per, 'hansard-watch.filters': JSON.stringify(filters) },
        onProgress: (n) => bar?.update(n),
        end: !toStdout,
      });
      bar?.stop();
      if (!toStdout) await rename(partial, args.out);
      const seconds = (performance.now() - started) / 1000;
      const where = toStdout ? 'stdout' : args.out;
      process.stderr.write(
        `${rows} rows (${q.per} mode, ${EXPORT_FORMATS[q.format].extension}) to ${where} in ${seconds.toFixed(1)} s\n`,
      );
      return 0;
    } catch (err) {
      bar?.stop();
      if (!toStdout) await rm(partial, { force: true });
      log.error({ err }, 'export failed');
      throw err;
    }
  });
}
