/**
 * GET /api/v1/export: the research export as a download, streamed from a database cursor
 * through the format writer into the response, so memory stays flat however many rows.
 * A failure after the first bytes aborts the response (the client sees a failed download,
 * never a truncated file that looks complete).
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { EXPORT_FORMATS, exportRows, DestinationClosedError } from '../../export/index.js';
import type { ExportMode } from '../../export/columns.js';
import { toSpeechFilters, type SpeechFilters } from '../../search/filters.js';
import type { WebContext } from './context.js';
import { parseOr400 } from './errors.js';
import { exportQuery } from './schemas.js';
import { sendVoteExport } from './vote-export-route.js';
import { wantsVotes } from './vote-schemas.js';

export function exportFileName(mode: ExportMode | 'vote', extension: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `hansard-watch-${mode}s-${stamp}.${extension}`;
}

/** What the file was made from, stored in the Parquet footer so a file explains itself. */
function exportMetadata(filters: SpeechFilters, mode: ExportMode): Record<string, string> {
  return { 'hansard-watch.mode': mode, 'hansard-watch.filters': JSON.stringify(filters) };
}

export function exportRoutes(
  app: FastifyInstance,
  ctx: WebContext,
  limiter: onRequestHookHandler | null,
): void {
  app.get('/export', { ...(limiter ? { onRequest: limiter } : {}) }, async (req, reply) => {
    if (wantsVotes(req.query)) return sendVoteExport(ctx, req, reply);
    const q = parseOr400(exportQuery, req.query);
    const filters = toSpeechFilters(q);
    const format = EXPORT_FORMATS[q.format];
    const out = new PassThrough();
    const rows = ctx.exports.rows(filters, q.per);
    exportRows(q.format, rows, out, {
      bom: q.excel ?? false,
      safeForSpreadsheets: q.excel ?? false,
      metadata: exportMetadata(filters, q.per),
    }).catch((err: unknown) => {
      if (err instanceof DestinationClosedError) req.log.debug('export client went away');
      else req.log.error({ err }, 'export failed');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    return reply
      .header('content-type', format.contentType)
      .header('content-disposition', `attachment; filename="${exportFileName(q.per, format.extension)}"`)
      .header('cache-control', 'no-store')
      .send(out);
  });
}
