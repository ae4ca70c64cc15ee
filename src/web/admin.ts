/**
 * Everything under /admin, behind the admin token: the Bull Board queue dashboard at
 * /admin/queues (BullMQ mode; the in-process queue shows a plain status page there) and a
 * small JSON API the CLI uses to reach an embedded pipeline, whose queue lives only in
 * the running process.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { FEED_TYPES } from '../debate/types.js';
import { startBackfill } from '../pipeline/backfill.js';
import { BullPipelineQueue } from '../pipeline/bullmq-queue.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { collectStatus, formatStatus } from '../pipeline/status.js';
import { requireToken } from './admin-auth.js';

export interface AdminOptions {
  pipeline: Pipeline;
  token: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const backfillBody = z.object({
  from: z.string().regex(DATE),
  to: z.string().regex(DATE).optional(),
  types: z.array(z.enum(FEED_TYPES)).min(1).optional(),
  force: z.boolean().optional(),
});
const retryBody = z.object({ id: z.string().min(1).optional() });

/** Register with `{ prefix: '/admin' }`. */
export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (app, opts) => {
  app.addHook('onRequest', requireToken(opts.token));
  await registerDashboard(app, opts.pipeline);
  registerApi(app, opts.pipeline);
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
  const adapter = new FastifyAdapter();
  adapter.setBasePath(`${app.prefix}/queues`);
  // @bull-board/fastify pins its own patch release of @bull-board/api; the two copies'
  // classes differ only in private members, so the types disagree while the objects fit.
  const serverAdapter = adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
  createBullBoard({ queues: queue.bullQueues().map((q) => new BullMQAdapter(q)), serverAdapter });
  await app.register(adapter.registerPlugin(), { prefix: '/queues' });
}

function registerApi(app: FastifyInstance, pipeline: Pipeline): void {
  app.get('/api/status', async () => collectStatus(pipeline.deps, 100));
  app.post('/api/jobs/retry', async (req, reply) => {
    const body = retryBody.safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send({ error: body.error.message });
    return { retried: await pipeline.queue.retry(body.data.id) };
  });
  app.post('/api/poll', async () => ({ jobId: await pipeline.pollNow('manual') }));
  app.post('/api/backfill', async (req, reply) => {
    const body = backfillBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: body.error.message });
    const types = body.data.types ?? pipeline.deps.settings.types;
    return startBackfill(pipeline.deps, { ...body.data, types });
  });
  app.get<{ Params: { batch: string } }>('/api/backfill/:batch', async (req) => ({
    batch: req.params.batch,
    remaining: await pipeline.deps.cursors.pendingCount(req.params.batch),
  }));
}
