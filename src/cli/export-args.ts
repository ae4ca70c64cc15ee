/** `hansard-watch export`'s options, and their reading by the API's own schemas. */
import type { z } from 'zod';
import { fieldIssues } from '../search/filters.js';
import { exportQuery, type ExportQuery } from '../web/api/schemas.js';

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

/** The CLI's options as the API's query parameters, validated by the API's own schema. */
export function parseArgsWith<Q>(schema: z.ZodType<Q>, args: ExportArgs): Q {
  const { out: _out, ...params } = args;
  const defined = Object.fromEntries(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== false),
  );
  const parsed = schema.safeParse(defined);
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

export function parseExportArgs(args: ExportArgs): ExportQuery {
  return parseArgsWith(exportQuery, args);
}
