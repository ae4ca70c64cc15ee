/**
 * The options of `hansard-watch export`, validated by the API's own schemas. Apart from
 * export-command.ts so that the modules it loads lazily (export-file.ts, export-votes.ts,
 * export-worker.ts) need not import the command back.
 */
import type { z } from 'zod';
import { fieldIssues } from '../input/field-issues.js';
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
