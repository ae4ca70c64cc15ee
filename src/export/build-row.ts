/**
 * From what the store knows to an ExportRow: the derived columns (TheyWorkForYou url,
 * citation) are computed here so every caller (HTTP, CLI) cites the same way.
 */
import { citation } from './citation.js';
import type { ExportRow } from './columns.js';
import { twfyUrl, type PbcContext } from '../parliament/index.js';

export type ExportRowSource = Omit<ExportRow, 'twfy_url' | 'citation'> & {
  /** Hansard volume, when the store learns it; cited as `vol N`. */
  volume?: number | string | null;
  /** Session and bill of a Public Bill Committee debate, for its url and citation. */
  pbc?: PbcContext | null;
};

export function buildExportRow(source: ExportRowSource): ExportRow {
  const { volume, pbc, ...row } = source;
  return {
    ...row,
    twfy_url: twfyUrl(row.gid, pbc),
    citation: citation({
      type: row.type,
      sitting_date: row.sitting_date,
      colnum: row.colnum,
      gid: row.gid,
      volume,
      billTitle: pbc?.billTitle,
    }),
  };
}

/** Lazily maps a cursor of sources to rows, one at a time, so memory stays constant. */
export async function* buildExportRows(
  sources: AsyncIterable<ExportRowSource> | Iterable<ExportRowSource>,
): AsyncGenerator<ExportRow> {
  for await (const source of sources) yield buildExportRow(source);
}
