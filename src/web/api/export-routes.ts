/**
 * GET /api/v1/export: the research export as a download, streamed from a database cursor
 * through the format writer into the response, so memory stays flat however many rows.
 * A failure after the first bytes aborts the response (the client sees a failed download,
 * never a truncated file that looks complete). A failure before them (the store busy, the
 * query failing) is an ordinary JSON error. Exports are bounded (stream-limits.ts): a
 * few at once, one per client address, ended when their client stalls or after a maximum.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { EXPORT_FORMATS, exportRows, DestinationClosedError } from '../../export/index.js';
import type { ExportMode, ExportRow } from '../../export/columns.js';
import { toSpeechFilters, type SpeechFilters } from '../../search/filters.js';
import type { WebContext } from './context.js';
import { errorBody, parseOr400 } from './errors.js';
import { z } from 'zod';
import { exportFields, exportQuery } from './schemas.js';
import { BAD_REQUEST, doc, errorReply } from './openapi.js';
import { EXPORT_COLUMNS } from '../../export/index.js';
import { VOTE_COLUMNS } from '../../export/vote-export.js';
import { RETRY_AFTER_SECONDS, StreamLimitError, watchStream, type SlotRefusal } from './stream-limits.js';
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

export function exportFileName(mode: ExportMode | 'vote', extension: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `hansard-watch-${mode}s-${stamp}.${extension}`;
}

/** What the file was made from, stored in the Parquet footer so a file explains itself. */
function exportMetadata(filters: SpeechFilters, mode: ExportMode): Record<string, string> {
  return { 'hansard-watch.mode': mode, 'hansard-watch.filters': JSON.stringify(filters) };
}

/** Over a cap: 429 when it is this client's, 503 when the server's; never queued. */
function refuse(reply: FastifyReply, refusal: SlotRefusal): FastifyReply {
  const status = refusal.refused === 'client' ? 429 : 503;
  return reply
    .code(status)
    .header('retry-after', String(RETRY_AFTER_SECONDS))
    .send(errorBody(status, refusal.message));
}

/**
 * The rows again, the first (already read) included. `done` runs as soon as the rows end
 * (by then the cursor's transaction has ended): before the response's last bytes, so that a
 * client starting its next export straight after this one finds its slot free.
 */
async function* resumed<Row>(
  first: IteratorResult<Row>,
  rest: AsyncGenerator<Row>,
  done: () => void,
): AsyncGenerator<Row> {
  try {
    if (first.done) return;
    yield first.value;
    yield* rest;
  } finally {
    done();
  }
}

/** One export as a download: its rows (a cursor) and the writer that formats them. */
export interface ExportJob<Row> {
  rows: AsyncGenerator<Row>;
  write(rows: AsyncGenerator<Row>, out: PassThrough): Promise<unknown>;
  contentType: string;
  fileName: string;
}

/**
 * Sends an export within the stream limits: a slot per client and server-wide, the first
 * row read before any header, the stream watched for stalls and its lifetime, the cursor
 * closed and the slot given back however it ends. Every export mode goes through here.
 */
export async function sendExport<Row>(
  ctx: WebContext,
  req: FastifyRequest,
  reply: FastifyReply,
  open: () => ExportJob<Row>,
): Promise<FastifyReply> {
  const slot = ctx.streams.tryAcquire(req.ip);
  if ('refused' in slot) return refuse(reply, slot);
  const job = open();
  let first: IteratorResult<Row>;
  try {
    // The first row before any header: a busy pool or a failing query is then a clean error response.
    first = await job.rows.next();
  } catch (err) {
    slot.release();
    throw err;
  }
  const out = new PassThrough();
  const unwatch = watchStream(out, ctx.streamLimits);
  job
    .write(resumed(first, job.rows, slot.release), out)
    .catch((err: unknown) => {
      if (err instanceof DestinationClosedError) req.log.debug('export client went away');
      else if (err instanceof StreamLimitError) req.log.warn({ ip: req.ip }, err.message);
      else req.log.error({ err }, 'export failed');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    })
    // Should the writer fail before reading the rows, the cursor is closed (return() waits
    // for its transaction to end) before the slot is given back.
    .finally(async () => {
      unwatch();
      await job.rows.return(undefined).catch(() => undefined);
      slot.release();
    })
    .catch(() => undefined);
  return reply
    .header('content-type', job.contentType)
    .header('content-disposition', `attachment; filename="${job.fileName}"`)
    .header('cache-control', 'no-store')
    .send(out);
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
