/**
 * Load-balancer endpoints. /healthz: the process is up and serving (liveness; no
 * dependencies, so a database blip does not get the process killed). /readyz: the store
 * and the queue answer (readiness: take this instance out of rotation while they do not).
 * The store check is a query through the pool like any request's, so it fails when no
 * connection comes free in time (a starved pool) as well as when the server is down; the
 * pool's counts are reported with it. The public answer names what failed but never the
 * error's own text (it can carry internal host names and addresses); that goes to the log.
 */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { PipelineQueue } from '../pipeline/queue.js';
import type { Db, PoolStats } from '../store/db.js';
import { doc, jsonReply } from './api/openapi.js';

export interface HealthOptions {
  db: Db;
  /** Absent where the process works no queue (`serve`): readiness is then the store's alone. */
  queue?: PipelineQueue;
  /** Per dependency check. Default 2 s. */
  timeoutMs?: number;
}

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, opts) => {
  const timeoutMs = opts.timeoutMs ?? 2000;
  app.get(
    '/healthz',
    doc({
      tag: 'Operations',
      summary: 'Liveness: the process answers',
      responses: { 200: jsonReply('Alive.', { status: 'ok' }) },
    }),
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    doc({
      tag: 'Operations',
      summary: 'Readiness: the store (and the queue, where this process works one) answer in time',
      responses: {
        200: jsonReply('Ready.', { status: 'ok', store: 'ok', queue: 'ok' }),
        503: jsonReply('Not ready: which dependency failed.', {
          status: 'unavailable',
          store: 'timeout',
          queue: 'ok',
        }),
      },
    }),
    async (req, reply) => {
      const [checked, queue] = await Promise.all([
        check('store', () => opts.db.query('SELECT 1'), timeoutMs, req.log),
        opts.queue ? check('queue', () => opts.queue!.ping(), timeoutMs, req.log) : Promise.resolve('ok'),
      ]);
      const pool = opts.db.poolStats();
      const store = checked === 'ok' || !pool ? checked : starvation(checked, pool);
      const ready = store === 'ok' && queue === 'ok';
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'unavailable',
        store,
        ...(pool ? { pool } : {}),
        ...(opts.queue ? { queue: { kind: opts.queue.kind, status: queue } } : {}),
      });
    },
  );
};

/** Says so when the check failed because every connection was busy, not because Postgres was down. */
function starvation(failure: string, pool: PoolStats): string {
  return pool.total >= pool.max && pool.idle === 0
    ? `no connection free (${pool.total} of ${pool.max} busy, ${pool.waiting} waiting): ${failure}`
    : failure;
}

async function check(
  what: string,
  fn: () => Promise<unknown>,
  timeoutMs: number,
  log: FastifyBaseLogger,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>(
    (resolve) => (timer = setTimeout(() => resolve(`timed out after ${timeoutMs} ms`), timeoutMs)),
  );
  try {
    return await Promise.race([fn().then(() => 'ok'), timeout]);
  } catch (err) {
    log.warn({ err, dependency: what }, 'readiness check failed');
    return 'error (see the server log)';
  } finally {
    clearTimeout(timer);
  }
}
