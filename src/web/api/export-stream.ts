/**
 * Sending an export as a download within the stream limits (stream-limits.ts), shared by
 * every export mode: export-routes.ts for paragraphs and speeches, vote-export-route.ts
 * for votes. Its own module so that neither route imports the other.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DestinationClosedError } from '../../export/index.js';
import type { ExportMode } from '../../export/columns.js';
import type { WebContext } from './context.js';
import { errorBody } from './errors.js';
import { RETRY_AFTER_SECONDS, StreamLimitError, watchStream, type SlotRefusal } from './stream-limits.js';

export function exportFileName(mode: ExportMode | 'vote', extension: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `hansard-watch-${mode}s-${stamp}.${extension}`;
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
