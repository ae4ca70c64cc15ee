/**
 * People: name search, and one person's profile (names, parties and seats over time) with
 * their speaking record (speeches per tag, per house and type, per month).
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import type { WebContext } from './context.js';
import { errorBody, parseOr400 } from './errors.js';
import { runSearch, withCursor } from './search-routes.js';
import { peopleQuery, personParam, recordQuery, searchQuery } from './schemas.js';
import { BAD_REQUEST, doc, jsonReply, NOT_FOUND, TOO_MANY } from './openapi.js';

export function peopleRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/people',
    doc({
      tag: 'API',
      summary: 'Find people by name',
      querystring: peopleQuery,
      responses: {
        200: jsonReply('Matching people.', {
          results: [{ id: 'uk.org.publicwhip/person/10586', name: 'Andy Burnham' }],
        }),
        400: BAD_REQUEST,
        429: TOO_MANY,
      },
    }),
    async (req) => {
      const q = parseOr400(peopleQuery, req.query);
      return { results: await ctx.people.searchByName(q.q, q.limit) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/people/:id',
    doc({
      tag: 'API',
      summary: 'Profile and speaking record',
      description: 'Names, parties and seats over time; speeches per tag, per house and type, and per month.',
      params: { id: personParam },
      querystring: recordQuery,
      responses: {
        200: jsonReply('The person.', {
          id: 'uk.org.publicwhip/person/10586',
          name: 'Andy Burnham',
          memberships: [{ party: 'Labour', constituency: 'Leigh', house: 'commons' }],
        }),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: TOO_MANY,
      },
    }),
    async (req, reply) => {
      const id = parseOr400(personParam, req.params.id, 'path');
      const q = parseOr400(recordQuery, req.query);
      const filters = { minConfidence: q.minConfidence ?? DEFAULT_MIN_CONFIDENCE, from: q.from, to: q.to };
      const [profile, record] = await Promise.all([ctx.people.profile(id), ctx.people.record(id, filters)]);
      if (!profile) return reply.code(404).send(errorBody(404, `No person with id ${req.params.id}`));
      return { ...profile, record };
    },
  );

  // The person's speeches: the search endpoint with `person` fixed.
  app.get<{ Params: { id: string } }>(
    '/people/:id/speeches',
    doc({
      tag: 'API',
      summary: "A person's speeches, newest first",
      params: { id: personParam },
      querystring: searchQuery,
      responses: {
        200: jsonReply('A page of speeches (as /api/v1/search).'),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: TOO_MANY,
      },
    }),
    async (req) => {
      const id = parseOr400(personParam, req.params.id, 'path');
      const q = parseOr400(searchQuery, { ...(req.query as object), person: id });
      const page = await runSearch(ctx, q);
      return { ...page, next: page.nextCursor ? withCursor(req.url, page.nextCursor) : null };
    },
  );
}
