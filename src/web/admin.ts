/**
 * Everything under /admin, behind the admin token: the Bull Board queue dashboard at
 * /admin/queues (BullMQ mode; the in-process queue shows a plain status page there), the
 * local mail outbox at /admin/outbox (outbox-page.ts), and a
 * small JSON API the CLI uses to reach an embedded pipeline, whose queue lives only in
 * the running process. Requests that change something must not come from another site
 * (admin-csrf.ts); the API's take JSON only.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { FEED_TYPES } from '../parliament/index.js';
import { startBackfill } from '../pipeline/backfill.js';
import { BullPipelineQueue } from '../pipeline/bullmq-queue.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { collectStatus, formatStatus } from '../pipeline/status.js';
import { requireToken } from './admin-auth.js';
import { outboxRoutes } from './outbox-page.js';
import { readRoutes } from './admin-read.js';
import { registerTagCorrectionRoutes } from './admin-tag-corrections.js';
import { refuseCrossSite, requireJson } from './admin-csrf.js';
import { parseOr400 } from './api/errors.js';
import { bullBoardCsp } from './api/security.js';
import { isoDate } from '../search/filters.js';
import { tagPaths } from '../tag/paths.js';
import { loadTaxonomy } from '../tag/taxonomy.js';

export interface AdminOptions {
  pipeline: Pipeline;
  token: string;
  /** The mail outbox at /admin/outbox (outbox-page.ts); null when mail goes over SMTP. */
  outboxDir?: string | null;
}

const backfillBody = z.strictObject({
  from: isoDate,
  to: isoDate.optional(),
  types: z.array(z.enum(FEED_TYPES)).min(1).optional(),
  force: z.boolean().optional(),
});
const retryBody = z.strictObject({ id: z.string().min(1).max(200).optional() });

/** The taxonomy's tags, read once: a correction may name only these. */
let tagIds: string[] | null = null;
function taxonomyTags(): string[] {
  tagIds ??= loadTaxonomy(tagPaths().taxonomy).tags.map((t) => t.id);
  return tagIds;
}

/** Register with `{ prefix: '/admin' }`. */
export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (app, opts) => {
  app.addHook('onRequest', requireToken(opts.token));
  app.addHook('onRequest', refuseCrossSite);
  await registerDashboard(app, opts.pipeline);
  outboxRoutes(app, opts.outboxDir ?? null);
  await app.register(async (api) => registerApi(api, opts.pipeline), { prefix: '/api' });
};

async function registerDashboard(app: FastifyInstance, pipeline: Pipeline): Promise<void> {
  const { queue } = pipeline;
  if (!(queue instanceof BullPipelineQueue)) {
    app.get('/queues', async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(
          `In-process queue (no REDIS_URL): no Bull Board.\n\n${formatStatus(await collectStatus(pipeline.deps))}`,
        ),
    );
    return;
  }
  app.addHook('onRoute', bullBoardCsp(`${app.prefix}/queues`));
  const adapter = new FastifyAdapter();
  adapter.setBasePath(`${app.prefix}/queues`);
  // @bull-board/fastify pins its own patch release of @bull-board/api; the two copies'
  // classes differ only in private members, so the types disagree while the objects fit.
  const serverAdapter = adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
  createBullBoard({ queues: queue.bullQueues().map((q) => new BullMQAdapter(q)), serverAdapter });
  adapter.setErrorHandler(bullBoardErrors(app));
  await app.register(adapter.registerPlugin(), { prefix: '/queues' });
}

type BullBoardErrorHandler = Parameters<FastifyAdapter['setErrorHandler']>[0];
type BullBoardStatus = NonNullable<ReturnType<BullBoardErrorHandler>['status']>;

/**
 * Bull Board's own error handler answers 500 for everything BullMQ refuses (promoting a
 * job that is not delayed) and adds the stack under NODE_ENV=development. Here: a refused
 * state change is a 409 with BullMQ's sentence, anything else a logged 500 that says nothing.
 */
function bullBoardErrors(app: FastifyInstance): BullBoardErrorHandler {
  return (error: Error & { statusCode?: number }) => {
    const key = 'ERRORS.INTERNAL_SERVER_ERROR';
    const status = (error.statusCode ?? 500) as BullBoardStatus;
    if (status >= 400 && status < 500) return { status, body: { error: { key }, message: error.message } };
    if (/\bis not in the \w+ state\b/.test(error.message))
      return { status: 409, body: { error: { key }, message: error.message } };
    app.log.error({ err: error }, 'Bull Board request failed');
    return { status: 500, body: { error: { key }, message: 'Something went wrong; it has been logged.' } };
  };
}

function registerApi(app: FastifyInstance, pipeline: Pipeline): void {
  app.addHook('onRequest', requireJson);
  app.get('/status', async () => collectStatus(pipeline.deps, 100));
  readRoutes(app, pipeline.deps.db);
  registerTagCorrectionRoutes(app, pipeline.deps.db, taxonomyTags);
  app.post('/jobs/retry', async (req) => {
    const body = parseOr400(retryBody, req.body, 'body');
    return { retried: await pipeline.queue.retry(body.id) };
  });
  app.post('/poll', async () => ({ jobId: await pipeline.pollNow('manual') }));
  app.post('/backfill', async (req) => {
    const body = parseOr400(backfillBody, req.body, 'body');
    const types = body.types ?? pipeline.deps.settings.types;
    return startBackfill(pipeline.deps, { ...body, types });
  });
  app.get<{ Params: { batch: string } }>('/backfill/:batch', async (req) => ({
    batch: req.params.batch,
    remaining: await pipeline.deps.cursors.pendingCount(req.params.batch),
  }));
}
