/** Tags: the catalogue with speech counts, and counts over time. */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import { toSpeechFilters } from '../../search/filters.js';
import type { WebContext } from './context.js';
import { parseOr400 } from './errors.js';
import { tagsQuery, timelineQuery } from './schemas.js';
import { BAD_REQUEST, doc, jsonReply, TOO_MANY } from './openapi.js';

export function tagRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/tags',
    doc({
      tag: 'API',
      summary: 'Tags with speech counts',
      querystring: tagsQuery,
      responses: {
        200: jsonReply('Tags.', {
          minConfidence: 0.5,
          tags: [
            {
              id: 'privatisation',
              label: 'Privatisation',
              description: null,
              speeches: 42,
              firstDate: '2009-10-12',
              lastDate: '2009-10-29',
            },
          ],
        }),
        400: BAD_REQUEST,
        429: TOO_MANY,
      },
    }),
    async (req) => {
      const { minConfidence = DEFAULT_MIN_CONFIDENCE } = parseOr400(tagsQuery, req.query);
      const totals = await ctx.tagCounts.totals(minConfidence);
      const known = ctx.options.tags;
      const ids = [...new Set([...known.map((t) => t.id), ...totals.map((t) => t.tag)])];
      return {
        minConfidence,
        tags: ids.map((id) => {
          const info = known.find((t) => t.id === id);
          const total = totals.find((t) => t.tag === id);
          return {
            id,
            label: info?.label ?? id,
            description: info?.description ?? null,
            speeches: total?.speeches ?? 0,
            firstDate: total?.firstDate ?? null,
            lastDate: total?.lastDate ?? null,
          };
        }),
      };
    },
  );

  app.get(
    '/tags/timeline',
    doc({
      tag: 'API',
      summary: 'Speeches per tag over time',
      querystring: timelineQuery,
      responses: {
        200: jsonReply('Counts per period and tag.', {
          interval: 'month',
          minConfidence: 0.5,
          counts: [{ period: '2009-10', speeches: 45, tags: { stp: 9 } }],
        }),
        400: BAD_REQUEST,
        429: TOO_MANY,
      },
    }),
    async (req) => {
      const q = parseOr400(timelineQuery, req.query);
      const filters = toSpeechFilters(q);
      return {
        interval: q.interval,
        minConfidence: filters.minConfidence,
        counts: await ctx.tagCounts.timeline(filters, q.interval),
      };
    },
  );
}
