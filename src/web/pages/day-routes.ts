/** Routes for browsing by date: the calendar (/days), a day (/days/{date}) and a day in one house. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HOUSES, type House } from '../../parliament/index.js';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import { doc, HTML_PAGE } from '../api/openapi.js';
import type { WebContext } from '../api/context.js';
import { html } from '../../html/template.js';
import { monthHref, renderCalendar, renderDay, renderDayHouses } from './day-page.js';
import { displayDate, houseLabel } from './labels.js';
import { errorPage } from './error-page.js';

const HTML = 'text/html; charset=utf-8';
const HTML_ERROR = {
  description: 'A page saying what was wrong.',
  content: { 'text/html': { schema: { type: 'string' } } },
};

/** A calendar date that exists (`2009-02-30` does not), in years Postgres and a calendar month can both hold. */
function isRealDate(s: string): boolean {
  if (!/^[1-9]\d{3}-\d{2}-\d{2}$/.test(s) || s >= '9999-12') return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const dateParam = z.string().refine(isRealDate, 'must be a date like 2009-10-27');
const houseParam = z.enum(HOUSES);
const monthQuery = z
  .object({
    month: z
      .string()
      .regex(/^[1-9]\d{3}-(0[1-9]|1[0-2])$/, 'must be a month like 2009-10')
      .optional(),
  })
  .loose();

function send(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.code(status).type(HTML).send(page);
}

const BACK = html`<p><a href="/days">Go to the calendar</a></p>`;

export function dayRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/days',
    doc({
      tag: 'Pages',
      summary: 'Calendar of sitting days (the latest month, or ?month=YYYY-MM)',
      querystring: monthQuery,
      responses: { 200: HTML_PAGE, 400: HTML_ERROR },
    }),
    async (req, reply) => {
      const q = monthQuery.safeParse(req.query);
      if (!q.success)
        return send(
          reply,
          errorPage('That month is not valid', 'A month is written like 2009-10.', BACK),
          400,
        );
      return send(reply, renderCalendar(await ctx.days.calendar(q.data.month)));
    },
  );
  app.get<{ Params: { date: string } }>(
    '/days/:date',
    doc({
      tag: 'Pages',
      summary: 'The houses that sat on a day',
      params: { date: dateParam },
      responses: { 200: HTML_PAGE, 400: HTML_ERROR },
    }),
    async (req, reply) => {
      const { date } = req.params;
      if (!dateParam.safeParse(date).success) return send(reply, badDate(date), 400);
      const cal = await ctx.days.calendar(date.slice(0, 7));
      const houses = cal?.days.find((d) => d.date === date)?.houses ?? [];
      return send(reply, renderDayHouses(date, houses));
    },
  );
  app.get<{ Params: { date: string; house: string } }>(
    '/days/:date/:house',
    doc({
      tag: 'Pages',
      summary: "A day's debates in one house, with their tags",
      params: { date: dateParam, house: houseParam },
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const { date, house } = req.params;
      if (!dateParam.safeParse(date).success) return send(reply, badDate(date), 400);
      if (!houseParam.safeParse(house).success)
        return send(
          reply,
          errorPage(
            'No such house',
            `"${house}" is not a house in the record. The houses are: ${HOUSES.join(', ')}.`,
            html`<p><a href="/days/${date}">The houses that sat on ${displayDate(date)}</a></p>`,
          ),
          404,
        );
      const listing = await ctx.days.day(date, house as House, DEFAULT_MIN_CONFIDENCE);
      if (!listing)
        return send(
          reply,
          errorPage(
            'No sitting on this day',
            `The record has no sitting of the ${houseLabel(house)} on ${displayDate(date)}.`,
            html`<p><a href="${monthHref(date.slice(0, 7))}">Sitting days in that month</a></p>`,
          ),
          404,
        );
      return send(reply, renderDay(listing, await ctx.tagCatalogue()));
    },
  );
}

function badDate(date: string): string {
  return errorPage('That date is not valid', `"${date}" is not a date: write it like 2009-10-27.`, BACK);
}
