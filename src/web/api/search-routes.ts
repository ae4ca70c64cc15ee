/** GET /api/v1/search: speeches by full text and filters, newest first, cursor-paginated. */
import type { FastifyInstance } from 'fastify';
import { toSpeechFilters } from '../../search/filters.js';
import { InvalidCursorError, type SearchPage } from '../../search/search-repository.js';
import type { WebContext } from './context.js';
import { BadRequestError, parseOr400 } from './errors.js';
import { searchQuery, type SearchQuery } from './schemas.js';

/** Runs a validated search; a cursor that does not decode is the client's error (400), not ours. */
export async function runSearch(ctx: WebContext, q: SearchQuery): Promise<SearchPage> {
  try {
    return await ctx.search.search(toSpeechFilters(q), { limit: q.limit, cursor: q.cursor });
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
  app.get('/search', async (req) => {
    const q = parseOr400(searchQuery, req.query);
    const page = await runSearch(ctx, q);
    return { ...page, next: page.nextCursor ? withCursor(req.url, page.nextCursor) : null };
  });
}
