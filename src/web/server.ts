/**
 * The HTTP server, assembled from Fastify plugins so later features (the REST API and
 * pages) register alongside: health endpoints at the root, operations under /admin.
 *
 * What every route shares is set here, once, before any route: security headers, the
 * check of every request's text, and the answers for unknown paths, undecodable URLs and
 * errors no feature handles itself.
 */
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyHttpOptions,
  type FastifyInstance,
  type RouteOptions,
} from 'fastify';
import type { Server } from 'node:http';
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
import { rateLimiter, type RateLimitStore } from './api/rate-limit.js';
import { securityHeaders } from './api/security.js';
import { frameworkErrors, rootErrorHandler, rootNotFoundHandler } from './fallback.js';
import { addFormBodies } from './form-body.js';
import { apiDocs } from './api/openapi.js';
import { rejectBadText } from './input-guard.js';

export interface ServerDeps {
  db: Db;
  pipeline: Pipeline;
  adminToken: string;
  log: Logger;
  /** Subscriptions and alert pages; absent when alerts are off. */
  alerts?: Alerts | null;
  /** The local mail outbox shown at /admin/outbox; null or absent: mail goes over SMTP. */
  outboxDir?: string | null;
  /** Bounds on exports (stream-limits.ts); defaults otherwise. */
  streams?: Partial<StreamLimits>;
  /** Redis for the rate limits' counts (REDIS_URL), shared by every process; in memory when absent. */
  rateLimitStore?: RateLimitStore | null;
  /** Sees every route as it is registered (route listings; the fuzz test covers them all). */
  onRoute?: (route: RouteOptions) => void;
  /** TRUST_PROXY: whose X-Forwarded-For gives the client address. */
  trustProxy?: boolean | string;
}

/** The Fastify options of every server of ours (`start` and `serve`). */
export function serverOptions(
  log: Logger,
  trustProxy: boolean | string = false,
): FastifyHttpOptions<Server, FastifyBaseLogger> {
  return {
    // Client addresses (per-IP limits, logs) from X-Forwarded-For only where configured.
    trustProxy,
    // pino's Logger is what Fastify logs through; its generics are narrower than FastifyBaseLogger's.
    loggerInstance: log.child({ component: 'web' }) as FastifyBaseLogger,
    // Load balancers probe every few seconds; per-request lines would drown the logs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    frameworkErrors,
  };
}

/**
 * What every route shares, set on a new server before any route: security headers, the
 * check of every request's text, and the answers for unknown paths and unhandled errors.
 */
export async function registerShared(app: FastifyInstance): Promise<void> {
  await app.register(securityHeaders);
  await addFormBodies(app);
  // Before any route, so that the OpenAPI document sees them all.
  await app.register(apiDocs);
  app.addHook('preValidation', rejectBadText);
  app.setErrorHandler(rootErrorHandler);
  app.setNotFoundHandler(rootNotFoundHandler);
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(deps.log, deps.trustProxy));
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  await registerShared(app);
  await app.register(healthPlugin, { db: deps.db, queue: deps.pipeline.queue });
  await app.register(adminPlugin, {
    prefix: '/admin',
    pipeline: deps.pipeline,
    token: deps.adminToken,
    outboxDir: deps.outboxDir ?? null,
  });
  // One general limiter for the site and the alert routes: a client has one budget for both.
  const rateLimitStore = deps.rateLimitStore ?? null;
  const generalLimiter = await rateLimiter(
    app,
    'general',
    DEFAULT_RATE_LIMITS.general,
    'Too many requests from your address.',
    rateLimitStore,
  );
  await app.register(webPlugin, {
    db: deps.db,
    generalLimiter,
    rateLimitStore,
    ...(deps.alerts ? { subscriptions: deps.alerts.service } : {}),
    ...(deps.streams ? { streams: deps.streams } : {}),
  });
  if (deps.alerts) await app.register(alertsPlugin, { alerts: deps.alerts, rateLimit: generalLimiter });
  return app;
}
