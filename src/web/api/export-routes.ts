/**
 * GET /api/v1/export: the research export as a download, streamed from a database cursor
 * through the format writer into the response, so memory stays flat however many rows.
 * A failure after the first bytes aborts the response (the client sees a failed download,
 * never a truncated file that looks complete). A failure before them (the store busy, the
 * query failing) is an ordinary JSON error. Exports are bounded (stream-limits.ts): a
 * few at once, one per client address, ended when their client stalls or after a maximum.
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { EXPORT_FORMATS, exportRows } from '../../export/index.js';
import type { ExportMode, ExportRow } from '../../export/columns.js';
import { toSpeechFilters, type SpeechFilters } from '../../search/filters.js';
import type { WebContext } from './context.js';
import { parseOr400 } from './errors.js';
import { z } from 'zod';
import { exportFields, exportQuery } from './schemas.js';
import { BAD_REQUEST, doc, errorReply } from './openapi.js';
import { EXPORT_COLUMNS } from '../../export/index.js';
import { VOTE_COLUMNS } from '../../export/vote-export.js';
import { exportFileName, sendExport } from './export-stream.js';
import { sendVoteExport } from './vote-export-route.js';
import { wantsVotes } from './vote-schemas.js';

const EXPORT_DOC = doc({
  tag: 'API',
  summary: 'Research export (streamed)',
  description: `One row per paragraph (per tagged paragraph when tag or tagged is given) or per speech. Columns: ${EXPORT_COLUMNS.join(', ')}. With per=vote, one row per vote in a division (filters person, party, house, type, from, to; q, tag, tagged and minConfidence are refused). Columns: ${VOTE_COLUMNS.join(', ')}. Limited to a few per client address, apart from the general limit.`,
  // per=vote is taken by the vote export (vote-schemas.ts) before exportQuery sees it.
  querystring: z.strictObject({
    ...exportFields,
    per: z.enum(['paragraph', 'speech', 'vote']).default('paragraph'),
  }),
  responses: {
    200: {
      description: 'The file, as an attachment.',
      content: Object.fromEntries(
        Object.values(EXPORT_FORMATS).map((f) => [
          f.contentType.split(';')[0],
          { schema: { type: 'string', format: 'binary' } },
        ]),
      ),
    },
    400: BAD_REQUEST,
    429: errorReply('Too many exports from your address, or one is still running; see Retry-After.', {
      error: 'Too Many Requests',
      message: 'Too many exports from your address. Try again in 20 s.',
    }),
    503: errorReply('The server is running as many exports as it allows, or is busy; see Retry-After.'),
  },
});

/** What the file was made from, stored in the Parquet footer so a file explains itself. */
function exportMetadata(filters: SpeechFilters, mode: ExportMode): Record<string, string> {
  return { 'hansard-watch.mode': mode, 'hansard-watch.filters': JSON.stringify(filters) };
}

export function exportRoutes(
  app: FastifyInstance,
  ctx: WebContext,
  limiter: onRequestHookHandler | null,
): void {
  app.get('/export', { ...EXPORT_DOC, ...(limiter ? { onRequest: limiter } : {}) }, async (req, reply) => {
    if (wantsVotes(req.query)) return sendVoteExport(ctx, req, reply);
    const q = parseOr400(exportQuery, req.query);
    const filters = toSpeechFilters(q);
    const format = EXPORT_FORMATS[q.format];
    return sendExport<ExportRow>(ctx, req, reply, () => ({
      rows: ctx.exports.rows(filters, q.per),
      write: (rows, out) =>
        exportRows(q.format, rows, out, {
          bom: q.excel ?? false,
          safeForSpreadsheets: q.excel ?? false,
          metadata: exportMetadata(filters, q.per),
        }),
      contentType: format.contentType,
      fileName: exportFileName(q.per, format.extension),
    }));
  });
}
