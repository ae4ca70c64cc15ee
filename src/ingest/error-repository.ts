import type { Queryable } from '../store/db.js';

export interface IngestErrorRow {
  file_name: string;
  severity: string;
  line: number | null;
  col: number | null;
  field: string | null;
  message: string;
  created_at: string;
  resolved_at: string | null;
}

/** Open errors (files whose latest attempt failed) by default; warnings and history on request. */
export async function listIngestErrors(
  db: Queryable,
  opts: { includeResolved?: boolean; includeWarnings?: boolean } = {},
): Promise<IngestErrorRow[]> {
  const where = [
    opts.includeResolved ? 'true' : 'resolved_at IS NULL',
    opts.includeWarnings ? 'true' : `severity = 'error'`,
  ];
  return db.query<IngestErrorRow>(
    `SELECT file_name, severity, line, col, field, message, created_at::text, resolved_at::text
       FROM ingest_errors WHERE ${where.join(' AND ')} ORDER BY created_at, id`,
  );
}
