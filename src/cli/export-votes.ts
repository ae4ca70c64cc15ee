/**
 * `hansard-watch export --per vote`: one row per vote, to a file or stdout, validated by
 * the same schema as GET /api/v1/export?per=vote. Votes are few (thousands a week, not
 * millions), so this runs on the main thread without a progress bar; like the speech
 * export, the file appears under its name only when complete.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { EXPORT_FORMATS } from '../export/formats.js';
import { exportVotes, VoteExportRepository } from '../export/vote-export.js';
import { voteExportQuery, voteFilters, type VoteExportQuery } from '../web/api/vote-schemas.js';
import { withStore } from './context.js';
import { parseArgsWith, type ExportArgs } from './export-args.js';

export function parseVoteExportArgs(args: ExportArgs): VoteExportQuery {
  return parseArgsWith(voteExportQuery, args);
}

export async function runVoteExport(args: ExportArgs): Promise<number> {
  const q = parseVoteExportArgs(args);
  const toStdout = args.out === '-';
  const filters = voteFilters(q);
  const { rows, seconds } = await withStore(async ({ db, log }) => {
    const partial = `${args.out}.partial`;
    const out = toStdout ? process.stdout : createWriteStream(partial);
    const started = performance.now();
    try {
      const result = await exportVotes(q.format, new VoteExportRepository(db).rows(filters), out, {
        bom: q.excel ?? false,
        safeForSpreadsheets: q.excel ?? false,
        metadata: { 'hansard-watch.mode': 'vote', 'hansard-watch.filters': JSON.stringify(filters) },
        end: !toStdout,
      });
      if (!toStdout) await rename(partial, args.out);
      return { rows: result.rows, seconds: (performance.now() - started) / 1000 };
    } catch (err) {
      if (!toStdout) await rm(partial, { force: true });
      log.error({ err }, 'vote export failed');
      throw err;
    }
  });
  const where = toStdout ? 'stdout' : args.out;
  process.stderr.write(
    `${rows} rows (vote mode, ${EXPORT_FORMATS[q.format].extension}) to ${where} in ${seconds.toFixed(1)} s\n`,
  );
  return 0;
}
