/**
 * Load-balancer endpoints. /healthz: the process is up and serving (liveness; no
 * dependencies, so a database blip does not get the process killed). /readyz: the store
 * and the queue answer (readiness: take this instance out of rotation while they do not).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { PipelineQueue } from '../pipeline/queue.js';
import type { Db } from '../store/db.js';

export interface HealthOptions {
  db: Db;
  queue: PipelineQueue;
  /** Per dependency check. Default 2 s. */
  timeoutMs?: number;
}

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, opts) => {
  const timeoutMs = opts.timeoutMs ?? 2000;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const [store, queue] = await Promise.all([
      check(() => opts.db.query('SELECT 1'), timeoutMs),
      check(() => opts.queue.ping(), timeoutMs),
    ]);
    const ready = store === 'ok' && queue === 'ok';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      store,
      queue: { kind: opts.queue.kind, status: queue },
    });
  });
};

async function check(fn: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>(
    (resolve) => (timer = setTimeout(() => resolve(`timed out after ${timeoutMs} ms`), timeoutMs)),
  );
  try {
    return await Promise.race([fn().then(() => 'ok'), timeout]);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}
