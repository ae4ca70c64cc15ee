/**
 * GET /api/v1/export: the research export as a download, streamed from a database cursor
 * through the format writer into the response, so memory stays flat however many rows.
 * A failure after the first bytes aborts the response (the client sees a failed download,
 * never a truncated file that looks complete). A failure before them (the store busy, the
 * query failing) is an ordinary JSON error. Exports are bounded (stream-limits.ts): a
 * few at once, one per client address, ended when their client stalls or after a maximum.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import { EXPORT_FORMATS, exportRows, DestinationClosedError } from '../../export/index.js';
import type { ExportMode, ExportRow } from '../../export/columns.js';
import { toSpeechFilters, type SpeechFilters } from '../../search/filters.js';
import type { WebContext } from './context.js';
import { errorBody, parseOr400 } from './errors.js';
import { exportQuery } from './schemas.js';
import { RETRY_AFTER_SECONDS, StreamLimitError, watchStream, type SlotRefusal } from './stream-limits.js';

export function exportFileName(mode: ExportMode, extension: string, now = new Date()): string {
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
async function* resumed(
  first: IteratorResult<ExportRow>,
  rest: AsyncGenerator<ExportRow>,
  done: () => void,
): AsyncGenerator<ExportRow> {
  try {
    if (first.done) return;
    yield first.value;
    yield* rest;
  } finally {
    done();
  }
}

export function exportRoutes(
  app: FastifyInstance,
  ctx: WebContext,
  limiter: onRequestHookHandler | null,
): void {
  app.get('/export', { ...(limiter ? { onRequest: limiter } : {}) }, async (req, reply) => {
    const q = parseOr400(exportQuery, req.query);
    const filters = toSpeechFilters(q);
    const format = EXPORT_FORMATS[q.format];
    const slot = ctx.streams.tryAcquire(req.ip);
    if ('refused' in slot) return refuse(reply, slot);
    const rows = ctx.exports.rows(filters, q.per);
    let first: IteratorResult<ExportRow>;
    try {
      // The first row before any header: a busy pool or a failing query is then a clean error response.
      first = await rows.next();
    } catch (err) {
      slot.release();
      throw err;
    }
    const out = new PassThrough();
    const unwatch = watchStream(out, ctx.streamLimits);
    exportRows(q.format, resumed(first, rows, slot.release), out, {
      bom: q.excel ?? false,
      safeForSpreadsheets: q.excel ?? false,
      metadata: exportMetadata(filters, q.per),
    })
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
        await rows.return(undefined).catch(() => undefined);
        slot.release();
      })
      .catch(() => undefined);
    return reply
      .header('content-type', format.contentType)
      .header('content-disposition', `attachment; filename="${exportFileName(q.per, format.extension)}"`)
      .header('cache-control', 'no-store')
      .send(out);
  });
}
