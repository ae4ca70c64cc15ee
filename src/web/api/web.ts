/**
 * Everything public on the HTTP server: the REST API, the pages and their assets, with
 * security headers and per-client rate limits. One plugin for the server to register:
 *
 *   await app.register(webPlugin, { db, tags, subscriptions });
 *
 * Its rate limits are encapsulated: routes registered outside it (health checks, /admin
 * with Bull Board) are not limited. Security headers come from the server's root
 * (src/web/server.ts); registered alone (tests), the plugin adds them itself.
 */
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_RATE_LIMITS, WebContext, type WebOptions } from './context.js';
import { apiPlugin } from './plugin.js';
import { addApiDocs } from './openapi.js';
import { rateLimiter } from './rate-limit.js';
import { addSecurityHeaders } from './security.js';
import { pagesPlugin } from '../pages/plugin.js';

export const webPlugin: FastifyPluginAsync<WebOptions> = async (app, opts) => {
  const ctx = new WebContext(opts);
  const limits = opts.rateLimit === undefined ? DEFAULT_RATE_LIMITS : opts.rateLimit;
  addSecurityHeaders(app);
  await addApiDocs(app);
  const store = opts.rateLimitStore ?? null;
  if (limits)
    app.addHook(
      'onRequest',
      opts.generalLimiter ??
        (await rateLimiter(app, 'general', limits.general, 'Too many requests from your address.', store)),
    );
  const exportLimiter = limits
    ? await rateLimiter(app, 'export', limits.export, 'Too many exports from your address.', store)
    : null;
  await app.register(apiPlugin, { prefix: '/api', ctx, exportLimiter });
  await app.register(pagesPlugin, { ctx });
};

export type {
  WebOptions,
  TagInfo,
  SubscriptionService,
  SubscriptionRequest,
  SubscriptionResult,
} from './context.js';
