/**
 * The HTTP server, assembled from Fastify plugins so later features (the REST API and
 * pages) register alongside: health endpoints at the root, operations under /admin.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Db } from '../store/db.js';
import { adminPlugin } from './admin.js';
import { healthPlugin } from './health.js';
import { webPlugin } from './api/web.js';
import type { Alerts } from '../alert/alerts.js';
import { alertsPlugin } from './alerts/plugin.js';
import type { StreamLimits } from './api/stream-limits.js';
import { DEFAULT_RATE_LIMITS } from './api/context.js';
import { rateLimitHook } from './api/rate-limit.js';

export interface ServerDeps {
  db: Db;
  pipeline: Pipeline;
  adminToken: string;
  log: Logger;
  /** Subscriptions and alert pages; absent when alerts are off. */
  alerts?: Alerts | null;
  /** Bounds on exports (stream-limits.ts); defaults otherwise. */
  streams?: Partial<StreamLimits>;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is what Fastify logs through; its generics are narrower than FastifyBaseLogger's.
    loggerInstance: deps.log.child({ component: 'web' }) as FastifyBaseLogger,
    // Load balancers probe every few seconds; per-request lines would drown the logs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  await app.register(healthPlugin, { db: deps.db, queue: deps.pipeline.queue });
  await app.register(adminPlugin, { prefix: '/admin', pipeline: deps.pipeline, token: deps.adminToken });
  // One general limiter for the site and the alert routes: a client has one budget for both.
  const generalLimiter = rateLimitHook(DEFAULT_RATE_LIMITS.general, 'Too many requests from your address.');
  await app.register(webPlugin, {
    db: deps.db,
    generalLimiter,
    ...(deps.alerts ? { subscriptions: deps.alerts.service } : {}),
    ...(deps.streams ? { streams: deps.streams } : {}),
  });
  if (deps.alerts) await app.register(alertsPlugin, { alerts: deps.alerts, rateLimit: generalLimiter });
  return app;
}
