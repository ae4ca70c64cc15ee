/**
 * GET /api/v1/export?per=vote: the vote export, streamed like the speech export (see
 * export-routes.ts), with its own parameters (vote-schemas.ts) and columns.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DestinationClosedError, EXPORT_FORMATS } from '../../export/index.js';
import { exportVotes, VoteExportRepository } from '../../export/vote-export.js';
import type { WebContext } from './context.js';
import { parseOr400 } from './errors.js';
import { exportFileName } from './export-routes.js';
import { voteExportQuery, voteFilters } from './vote-schemas.js';

export async function sendVoteExport(
  ctx: WebContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const q = parseOr400(voteExportQuery, req.query);
  const filters = voteFilters(q);
  const format = EXPORT_FORMATS[q.format];
  const out = new PassThrough();
  exportVotes(q.format, new VoteExportRepository(ctx.options.db).rows(filters), out, {
    bom: q.excel ?? false,
    safeForSpreadsheets: q.excel ?? false,
    metadata: { 'hansard-watch.mode': 'vote', 'hansard-watch.filters': JSON.stringify(filters) },
  }).catch((err: unknown) => {
    if (err instanceof DestinationClosedError) req.log.debug('export client went away');
    else req.log.error({ err }, 'vote export failed');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return reply
    .header('content-type', format.contentType)
    .header('content-disposition', `attachment; filename="${exportFileName('vote', format.extension)}"`)
    .header('cache-control', 'no-store')
    .send(out);
}
