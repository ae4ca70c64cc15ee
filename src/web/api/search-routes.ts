/** GET /api/v1/search: speeches by full text and filters, newest first, cursor-paginated. */
import type { FastifyInstance } from 'fastify';
import { toSpeechFilters } from '../../search/filters.js';
import { InvalidCursorError, type SearchPage } from '../../search/search-repository.js';
import type { WebContext } from './context.js';
import { BadRequestError, parseOr400 } from './errors.js';
import { searchQuery, type SearchQuery } from './schemas.js';
import { BAD_REQUEST, doc, jsonReply, TOO_MANY } from './openapi.js';

/** Runs a validated search; a cursor that does not decode is the client's error (400), not ours. */
export async function runSearch(ctx: WebContext, q: SearchQuery): Promise<SearchPage> {
  try {
    return await ctx.search.search(toSpeechFilters(q), { limit: q.limit, cursor: q.cursor, order: q.order });
  } catch (err) {
    if (err instanceof InvalidCursorError)
      throw new BadRequestError([{ field: 'cursor', message: err.message }]);
    throw err;
  }
}

/** The same request with `cursor` replaced: the link to the next page. */
export function withCursor(url: string, cursor: string): string {
  const [path = '', query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  params.set('cursor', cursor);
  return `${path}?${params.toString()}`;
}

export function searchRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/search',
    doc({
      tag: 'API',
      summary: 'Search speeches',
      querystring: searchQuery,
      responses: {
        200: jsonReply('A page of speeches, newest first; `next` is the URL of the page after.', {
          results: [
            {
              gid: 'uk.org.publicwhip/debate/2009-10-26b.1.2',
              sittingDate: '2009-10-26',
              speakerLabel: 'Andy Burnham (Labour, Leigh)',
              excerptHtml: 'the <mark>NHS</mark> is our preferred provider',
              tags: [{ tag: 'privatisation', confidence: 0.82 }],
            },
          ],
          nextCursor: 'eyJkIjoiMjAwOS0xMC0yNiJ9',
          next: '/api/v1/search?q=nhs&cursor=eyJkIjoiMjAwOS0xMC0yNiJ9',
        }),
        400: BAD_REQUEST,
        429: TOO_MANY,
      },
    }),
    async (req) => {
      const q = parseOr400(searchQuery, req.query);
      const page = await runSearch(ctx, q);
      return { ...page, next: page.nextCursor ? withCursor(req.url, page.nextCursor) : null };
    },
  );
}
