/**
 * The HTTP server, assembled from Fastify plugins: health endpoints at the root, the site
 * and API, alerts, and operations under /admin. One builder for both roles: `start`
 * ('full') and `serve` ('read': the site over the store alone).
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
import { rateLimiter, type RateLimit, type RateLimitStore } from './api/rate-limit.js';
import type { TagInfo } from './api/context.js';
import { serveAdminPlugin } from './admin-read.js';
import { securityHeaders } from './api/security.js';
import { frameworkErrors, rootErrorHandler, rootNotFoundHandler } from './fallback.js';
import { addFormBodies } from './form-body.js';
import { apiDocs } from './api/openapi.js';
import { rejectBadText } from './input-guard.js';

interface CommonDeps {
  db: Db;
  log: Logger;
  /** Bounds on exports (stream-limits.ts); defaults otherwise. */
  streams?: Partial<StreamLimits>;
  /** Redis for the rate limits' counts (REDIS_URL), shared by every process; in memory when absent. */
  rateLimitStore?: RateLimitStore | null;
  /** Per client address (default DEFAULT_RATE_LIMITS); `false` turns limiting off (`serve --rate-limit 0`). */
  rateLimits?: RateLimits | false;
  /** Tags of the taxonomy for the pages; read from tags/taxonomy.json when absent. */
  tags?: TagInfo[];
  /** Sees every route as it is registered (route listings; the fuzz test covers them all). */
  onRoute?: (route: RouteOptions) => void;
  /** TRUST_PROXY: whose X-Forwarded-For gives the client address. */
  trustProxy?: boolean | string;
}

/** `start`: the site, alerts, and /admin over the pipeline this process runs. */
export interface FullServerDeps extends CommonDeps {
  role?: 'full';
  pipeline: Pipeline;
  adminToken: string;
  /** Subscriptions and alert pages; absent when alerts are off. */
  alerts?: Alerts | null;
  /** The local mail outbox shown at /admin/outbox; null or absent: mail goes over SMTP. */
  outboxDir?: string | null;
}

/**
 * `serve`: the site over the store alone (no queue, no alerts); with an admin token, the
 * read-only admin API the CLI's read commands use while this process holds the store.
 */
export interface ReadServerDeps extends CommonDeps {
  role: 'read';
  adminToken: string | null;
  /** FEED_TYPES, for the store-only /admin/api/status. */
  types: readonly string[];
}

export type ServerDeps = FullServerDeps | ReadServerDeps;
type RateLimits = { general: RateLimit; export: RateLimit };

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

/** The one server builder: `start` ('full', the default) and `serve` ('read'). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(deps.log, deps.trustProxy));
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  await registerShared(app);
  if (deps.role === 'read') await registerRead(app, deps);
  else await registerFull(app, deps);
  return app;
}

async function registerFull(app: FastifyInstance, deps: FullServerDeps): Promise<void> {
  await app.register(healthPlugin, { db: deps.db, queue: deps.pipeline.queue });
  await app.register(adminPlugin, {
    prefix: '/admin',
    pipeline: deps.pipeline,
    token: deps.adminToken,
    outboxDir: deps.outboxDir ?? null,
  });
  // One general limiter for the site and the alert routes: a client has one budget for both.
  const rateLimitStore = deps.rateLimitStore ?? null;
  const limits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
  const generalLimiter = limits
    ? await rateLimiter(
        app,
        'general',
        limits.general,
        'Too many requests from your address.',
        rateLimitStore,
      )
    : undefined;
  await app.register(webPlugin, {
    db: deps.db,
    ...(generalLimiter ? { generalLimiter } : {}),
    ...(deps.rateLimits !== undefined ? { rateLimit: deps.rateLimits } : {}),
    rateLimitStore,
    ...(deps.tags ? { tags: deps.tags } : {}),
    ...(deps.alerts ? { subscriptions: deps.alerts.service } : {}),
    ...(deps.streams ? { streams: deps.streams } : {}),
  });
  if (deps.alerts)
    await app.register(alertsPlugin, { alerts: deps.alerts, rateLimit: generalLimiter ?? false });
}

async function registerRead(app: FastifyInstance, deps: ReadServerDeps): Promise<void> {
  await app.register(healthPlugin, { db: deps.db });
  await app.register(webPlugin, {
    db: deps.db,
    ...(deps.tags ? { tags: deps.tags } : {}),
    rateLimit: deps.rateLimits ?? DEFAULT_RATE_LIMITS,
    rateLimitStore: deps.rateLimitStore ?? null,
    ...(deps.streams ? { streams: deps.streams } : {}),
  });
  // The CLI's read commands reach the store through here while this process holds it.
  if (deps.adminToken)
    await app.register(serveAdminPlugin, {
      prefix: '/admin/api',
      db: deps.db,
      token: deps.adminToken,
      types: deps.types,
    });
}
