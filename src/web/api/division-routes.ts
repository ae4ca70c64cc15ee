/**
 * GET /api/v1/divisions/{gid}: a division with its counts and every vote, each resolved
 * to the person and party at the division's date; GET /api/v1/people/{id}/votes: a
 * person's votes, newest first, keyset paged like search. Same error bodies as the rest.
 */
import type { FastifyInstance } from 'fastify';
import { decodeVoteCursor } from '../../division/division-repository.js';
import { BadRequestError, errorBody, parseOr400 } from './errors.js';
import { personParam } from './schemas.js';
import { gidFromPath, gidPath } from './speech-routes.js';
import { withCursor } from './search-routes.js';
import type { WebContext } from './context.js';
import { divisionQuery, personVotesQuery } from './vote-schemas.js';
import { gidParam } from './schemas.js';
import { BAD_REQUEST, doc, jsonReply, MOVED, NOT_FOUND, TOO_MANY } from './openapi.js';

export function divisionRoutes(app: FastifyInstance, ctx: WebContext, prefix: string): void {
  const { divisions } = ctx;

  app.get(
    '/divisions/*',
    doc({
      tag: 'API',
      summary: 'A division with its counts and every vote',
      params: { gid: gidParam },
      querystring: divisionQuery,
      responses: {
        200: jsonReply('The division.', {
          gid: 'uk.org.publicwhip/debate/2009-10-26b.125.5',
          date: '2009-10-26',
          counts: { aye: 289, no: 201 },
          votes: [{ personId: 'uk.org.publicwhip/person/10586', vote: 'aye', party: 'Labour' }],
        }),
        301: MOVED,
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: TOO_MANY,
      },
    }),
    async (req, reply) => {
      const gid = gidFromPath(req);
      parseOr400(divisionQuery, req.query);
      const current = await divisions.resolveGid(gid);
      const division = current ? await divisions.get(current) : null;
      if (!current || !division) return reply.code(404).send(errorBody(404, `No division with gid ${gid}`));
      if (current !== gid) return reply.redirect(gidPath(`${prefix}/divisions`, current), 301);
      return division;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/people/:id/votes',
    doc({
      tag: 'API',
      summary: "A person's votes in divisions, newest first",
      params: { id: personParam },
      querystring: personVotesQuery,
      responses: {
        200: jsonReply('A page of votes.', {
          personId: 'uk.org.publicwhip/person/10586',
          results: [{ division: 'uk.org.publicwhip/debate/2009-10-26b.125.5', vote: 'aye' }],
          nextCursor: null,
          next: null,
        }),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: TOO_MANY,
      },
    }),
    async (req, reply) => {
      const id = parseOr400(personParam, req.params.id, 'path');
      const q = parseOr400(personVotesQuery, req.query);
      const cursor = q.cursor === undefined ? undefined : decodeVoteCursor(q.cursor);
      if (cursor === null)
        throw new BadRequestError([{ field: 'cursor', message: 'is not a cursor returned by this API' }]);
      const profile = await ctx.people.profile(id);
      if (!profile) return reply.code(404).send(errorBody(404, `No person with id ${req.params.id}`));
      const page = await divisions.personVotes(id, { limit: q.limit, cursor, from: q.from, to: q.to });
      return {
        personId: id,
        ...page,
        next: page.nextCursor ? withCursor(req.url, page.nextCursor) : null,
      };
    },
  );
}
