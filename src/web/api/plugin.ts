/**
 * The REST API under /api: version 1 at /api/v1, its OpenAPI document at
 * /api/docs/openapi.json (the readable page at /api/docs is served with the pages).
 */
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import type { WebContext } from './context.js';
import { addFormBodies } from '../form-body.js';
import { divisionRoutes } from './division-routes.js';
import { apiErrorHandler, errorBody } from './errors.js';
import { exportRoutes } from './export-routes.js';
import { doc, jsonReply, OPENAPI_JSON_PATH } from './openapi.js';
import { peopleRoutes } from './people-routes.js';
import { searchRoutes } from './search-routes.js';
import { speechRoutes } from './speech-routes.js';
import { subscriptionRoutes } from './subscription-routes.js';
import { tagRoutes } from './tag-routes.js';

export interface ApiOptions {
  ctx: WebContext;
  /** Extra limit on exports (they can run for minutes); null for none. */
  exportLimiter: onRequestHookHandler | null;
}

/** Register with `{ prefix: '/api' }`. */
export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (app, { ctx, exportLimiter }) => {
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send(errorBody(404, `No API endpoint ${req.method} ${req.url.split('?')[0]}`)),
  );
  await addFormBodies(app);
  app.get(
    OPENAPI_JSON_PATH.replace(/^\/api/, ''),
    doc({
      tag: 'API',
      summary: 'This document (OpenAPI 3.1)',
      responses: { 200: jsonReply('The OpenAPI document of every route of the server.') },
    }),
    async () => app.swagger(),
  );
  await app.register(
    async (v1) => {
      // Public, read-only data: any site may read it from a browser. Subscriptions are not shared.
      v1.addHook('onRequest', async (req, reply) => {
        if (req.method === 'GET' || req.method === 'HEAD')
          reply
            .header('access-control-allow-origin', '*')
            .header('cross-origin-resource-policy', 'cross-origin');
      });
      searchRoutes(v1, ctx);
      speechRoutes(v1, ctx, '/api/v1');
      peopleRoutes(v1, ctx);
      divisionRoutes(v1, ctx, '/api/v1');
      tagRoutes(v1, ctx);
      exportRoutes(v1, ctx, exportLimiter);
      subscriptionRoutes(v1, ctx);
    },
    { prefix: '/v1' },
  );
};
