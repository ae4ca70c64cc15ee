/**
 * People: name search, and one person's profile (names, parties and seats over time) with
 * their speaking record (speeches per tag, per house and type, per month).
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_MIN_CONFIDENCE } from '../../search/filters.js';
import type { WebContext } from './context.js';
import { errorBody, parseOr400 } from './errors.js';
import { runSearch, withCursor } from './search-routes.js';
import { peopleQuery, personParam, recordQuery, searchQuery } from './schemas.js';

export function peopleRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/people', async (req) => {
    const q = parseOr400(peopleQuery, req.query);
    return { results: await ctx.people.searchByName(q.q, q.limit) };
  });

  app.get<{ Params: { id: string } }>('/people/:id', async (req, reply) => {
    const id = parseOr400(personParam, req.params.id, 'path');
    const q = parseOr400(recordQuery, req.query);
    const filters = { minConfidence: q.minConfidence ?? DEFAULT_MIN_CONFIDENCE, from: q.from, to: q.to };
    const [profile, record] = await Promise.all([ctx.people.profile(id), ctx.people.record(id, filters)]);
    if (!profile) return reply.code(404).send(errorBody(404, `No person with id ${req.params.id}`));
    return { ...profile, record };
  });

  // The person's speeches: the search endpoint with `person` fixed.
  app.get<{ Params: { id: string } }>('/people/:id/speeches', async (req) => {
    const id = parseOr400(personParam, req.params.id, 'path');
    const q = parseOr400(searchQuery, { ...(req.query as object), person: id });
    const page = await runSearch(ctx, q);
    return { ...page, next: page.nextCursor ? withCursor(req.url, page.nextCursor) : null };
  });
}
