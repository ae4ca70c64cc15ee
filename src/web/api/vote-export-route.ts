/**
 * GET /api/v1/export?per=vote: the vote export, sent like the speech export and within the
 * same stream limits (export-stream.ts), with its own parameters (vote-schemas.ts) and columns.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXPORT_FORMATS } from '../../export/index.js';
import type { VoteRow } from '../../division/vote-row.js';
import { exportVotes } from '../../export/vote-export.js';
import type { WebContext } from './context.js';
import { parseOr400 } from './errors.js';
import { exportFileName, sendExport } from './export-stream.js';
import { voteExportQuery, voteFilters } from './vote-schemas.js';

export async function sendVoteExport(
  ctx: WebContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const q = parseOr400(voteExportQuery, req.query);
  const filters = voteFilters(q);
  const format = EXPORT_FORMATS[q.format];
  return sendExport<VoteRow>(ctx, req, reply, () => ({
    rows: ctx.voteExports.rows(filters),
    write: (rows, out) =>
      exportVotes(q.format, rows, out, {
        bom: q.excel ?? false,
        safeForSpreadsheets: q.excel ?? false,
        metadata: { 'hansard-watch.mode': 'vote', 'hansard-watch.filters': JSON.stringify(filters) },
      }),
    contentType: format.contentType,
    fileName: exportFileName('vote', format.extension),
  }));
}
