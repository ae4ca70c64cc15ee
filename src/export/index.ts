/**
 * Research export: rows from a cursor to CSV, JSONL or Parquet on any Node Writable
 * (an HTTP response, a file), in constant memory and respecting backpressure.
 *
 *   const rows = buildExportRows(cursorOfSources);
 *   const { rows: n } = await exportRows('csv', rows, reply.raw, { bom: true });
 *
 * If `rows` throws (a failed query) or `out` goes away, the promise rejects and `out` is
 * left open and unfinished: destroy it, so a client sees a failed download rather than a
 * truncated file that looks complete. (A truncated Parquet file has no footer and is
 * unreadable anyway; CSV and JSONL would not show it.)
 */
import type { ExportRow } from './columns.js';
import { writeCsv, type CsvOptions } from './csv.js';
import { writeJsonl } from './jsonl.js';
import { writeParquet, type ParquetOptions } from './parquet.js';
import type { RowSource, WriteResult } from './sink.js';
import type { ExportFormat } from './formats.js';

export { EXPORT_FORMATS, isExportFormat, type ExportFormat } from './formats.js';

/** Options for any format; each writer ignores the ones that are not its own. */
export type ExportOptions = CsvOptions & ParquetOptions;

export function exportRows(
  format: ExportFormat,
  rows: RowSource<ExportRow>,
  out: NodeJS.WritableStream,
  opts: ExportOptions = {},
): Promise<WriteResult> {
  switch (format) {
    case 'csv':
      return writeCsv(rows, out, opts);
    case 'jsonl':
      return writeJsonl(rows, out, opts);
    case 'parquet':
      return writeParquet(rows, out, opts);
  }
}

export { buildExportRow, buildExportRows, type ExportRowSource } from './build-row.js';
export { citation, citationDate, type CitationInput } from './citation.js';
export {
  EXPORT_COLUMNS,
  evidenceTermsOf,
  evidenceText,
  speechText,
  tagsText,
  type ExportColumn,
  type ExportMode,
  type ExportRow,
  type ExportTag,
} from './columns.js';
export { csvField, csvHeader, csvRecord, writeCsv, type CsvOptions } from './csv.js';
export { jsonlLine, jsonlRecord, writeJsonl, type JsonlOptions, type JsonlRecord } from './jsonl.js';
export {
  DEFAULT_ROW_GROUP_BYTES,
  DEFAULT_ROW_GROUP_SIZE,
  writeParquet,
  type ParquetOptions,
} from './parquet.js';
export { DestinationClosedError, type RowSource, type WriteOptions, type WriteResult } from './sink.js';
