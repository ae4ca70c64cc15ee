/**
 * The export's formats, apart from their writers: request validation and the CLI's main
 * thread need the names without loading the encoders (the Parquet one is large).
 */
export const EXPORT_FORMATS = {
  csv: { contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv' },
  jsonl: { contentType: 'application/jsonl; charset=utf-8', extension: 'jsonl' },
  parquet: { contentType: 'application/vnd.apache.parquet', extension: 'parquet' },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function isExportFormat(value: string): value is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, value);
}
