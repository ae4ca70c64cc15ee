/**
 * RFC 4180 CSV: CRLF record ends, a header row, fields quoted only when they must be
 * (they contain `"`, `,`, CR or LF), quotes doubled, UTF-8.
 */
import { EXPORT_COLUMNS, evidenceText, tagsText, type ExportColumn, type ExportRow } from './columns.js';
import { writeTextRows, type RowSource, type WriteOptions, type WriteResult } from './sink.js';

export interface CsvOptions extends WriteOptions {
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (default false). */
  bom?: boolean;
  /**
   * Prefix `'` to text cells beginning with `=`, `+`, `-`, `@`, tab or CR so a spreadsheet
   * shows them instead of evaluating them as formulas (OWASP "CSV injection").
   *
   * Default false. The export's first promise is faithful research data: R, pandas and
   * csvkit would read the `'` as part of the text, silently changing quotations
   * (a paragraph may legitimately begin with `-` or `+`). The text comes from the
   * official record, not from site users, so the injection risk is low. Surfaces aimed at
   * people opening the file in Excel (the web form's "for Excel" choice) should set it
   * together with `bom`.
   */
  safeForSpreadsheets?: boolean;
}

const CRLF = '\r\n';
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: quoted (with quotes doubled) only when RFC 4180 requires it. */
export function csvField(value: string, safeForSpreadsheets = false): string {
  const v = safeForSpreadsheets && FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The cell text for a column: structured tags are flattened; null is an empty cell. */
export function csvCell(row: ExportRow, column: ExportColumn): string {
  switch (column) {
    case 'tags':
      return tagsText(row.tags);
    case 'evidence_terms':
      return evidenceText(row.tags);
    case 'paragraph_seq':
      return row.paragraph_seq === null ? '' : String(row.paragraph_seq);
    default:
      return row[column] ?? '';
  }
}

export function csvHeader(): string {
  return EXPORT_COLUMNS.join(',') + CRLF;
}

export function csvRecord(row: ExportRow, safeForSpreadsheets = false): string {
  return EXPORT_COLUMNS.map((column) => csvField(csvCell(row, column), safeForSpreadsheets)).join(',') + CRLF;
}

export function writeCsv(
  rows: RowSource<ExportRow>,
  out: NodeJS.WritableStream,
  opts: CsvOptions = {},
): Promise<WriteResult> {
  const safe = opts.safeForSpreadsheets ?? false;
  const preamble = (opts.bom ? '\uFEFF' : '') + csvHeader();
  return writeTextRows(rows, out, (row) => csvRecord(row, safe), { ...opts, preamble });
}
