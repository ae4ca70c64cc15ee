/**
 * The server-rendered site. Pages read the store through the same repositories as the
 * API (no HTTP round trip to ourselves) and take the same query parameters.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import { fieldIssues } from '../../input/field-issues.js';
import type { WebContext } from '../api/context.js';
import { BadRequestError, parseOr400 } from '../api/errors.js';
import {
  gidParam,
  peopleQuery,
  personParam,
  recordQuery,
  searchPageQuery,
  tagPageQuery,
} from '../api/schemas.js';
import { renderTagList, renderTagPage } from './tag-page.js';
import { gidFromPath } from '../api/speech-routes.js';
import { debatePageQuery } from '../api/paging.js';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { docsUiCsp } from '../api/security.js';
import { assetRoutes } from './assets.js';
import { debateHref, speechAnchor, type FormValues } from './components.js';
import { renderDebate } from './debate-page.js';
import { renderDocs } from './docs-page.js';
import { renderExport } from './export-page.js';
import { renderHome } from './home-page.js';
import { html } from '../../html/template.js';
import { dayRoutes } from './day-routes.js';
import { errorPage, issuesMessage } from './error-page.js';
import { renderPeople } from './people-page.js';
import { renderPerson } from './person-page.js';
import { renderSearch } from './search-page.js';
import { renderManagePage, renderSubscribePage } from './subscribe-page.js';
import { doc, DOCS_UI_PATH, HTML_PAGE, MOVED } from '../api/openapi.js';

const HTML = 'text/html; charset=utf-8';

/** A page saying what was wrong. */
const HTML_ERROR = {
  description: 'A page saying what was wrong.',
  content: { 'text/html': { schema: { type: 'string' } } },
};

/** A debate page takes only its cursor; other parameters (a tracking tag, say) are ignored as before. */
const debateCursor = debatePageQuery.pick({ cursor: true }).loose();

function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.code(status).type(HTML).send(page);
}

export function messagePage(title: string, message: string): string {
  return errorPage(title, message);
}

export const pagesPlugin: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof BadRequestError)
      return sendPage(reply, messagePage('That address is not valid', issuesMessage(err.issues)), 400);
    // Fastify's own client errors (a body it cannot parse) keep their status, not their code.
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500)
      return sendPage(reply, messagePage('That request was not accepted', (err as Error).message), status);
    req.log.error({ err, url: req.url }, 'page failed');
    return sendPage(
      reply,
      messagePage('Something went wrong', 'The error has been logged. Please try again later.'),
      500,
    );
  });
  assetRoutes(app);
  app.get(
    '/',
    doc({
      tag: 'Pages',
      summary: 'Home: tags and recent tagged speeches',
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (_req, reply) => sendPage(reply, await renderHome(ctx)),
  );
  app.get(
    '/search',
    doc({
      tag: 'Pages',
      summary: 'Search page (the parameters of /api/v1/search, a speaker by name, and earlier pages)',
      querystring: searchPageQuery,
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const page = await renderSearch(ctx, req.query as FormValues, req.url);
      return sendPage(reply, page.html, page.status);
    },
  );
  debateRoutes(app, ctx);
  peopleRoutes(app, ctx);
  dayRoutes(app, ctx);
  tagRoutes(app, ctx);
  app.get(
    '/export',
    doc({
      tag: 'Pages',
      summary: 'Export form',
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => sendPage(reply, renderExport(req.query as FormValues, await ctx.tagCatalogue())),
  );
  app.get(
    '/subscribe',
    doc({
      tag: 'Pages',
      summary: 'Alert subscription form (posts to /api/v1/subscriptions)',
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => sendPage(reply, await renderSubscribePage(ctx, req.query as FormValues, null)),
  );
  // With the alerts service present its own manage page (/alerts/manage) takes over.
  app.get(
    '/subscribe/manage',
    doc({
      tag: 'Pages',
      summary: 'Managing alerts (redirects to /alerts/manage when alerts are on)',
      responses: { 200: HTML_PAGE, 302: { description: 'To /alerts/manage.' } },
    }),
    async (_req, reply) =>
      ctx.options.subscriptions ? reply.redirect('/alerts/manage', 302) : sendPage(reply, renderManagePage()),
  );
  // Swagger UI from this origin (no CDN), under a CSP of its own that allows its inline styles.
  await app.register(async (ui) => {
    ui.addHook('onRoute', docsUiCsp(DOCS_UI_PATH));
    await ui.register(fastifySwaggerUi, {
      routePrefix: DOCS_UI_PATH,
      uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: true },
    });
  });
  app.get(
    '/api/docs',
    doc({
      tag: 'Pages',
      summary: 'This document as a readable page; the interactive one is at /api/docs/ui',
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (_req, reply) => sendPage(reply, renderDocs(app.swagger() as unknown as Record<string, unknown>)),
  );
};

function debateRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/debates/*',
    doc({
      tag: 'Pages',
      summary: 'A debate',
      params: { gid: gidParam },
      querystring: debateCursor,
      responses: { 200: HTML_PAGE, 301: MOVED, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const gid = gidFromPath(req);
      const resolved = await ctx.debates.resolve(gid);
      if (!resolved)
        return sendPage(
          reply,
          messagePage('Debate not found', `Nothing in the record has the id ${gid}.`),
          404,
        );
      if (resolved.kind === 'speech') {
        const heading = await ctx.debates.headingOfSpeech(resolved.gid);
        if (heading) return reply.redirect(debateHref(heading, resolved.gid), 301);
        return reply.redirect(`/api/v1/speeches/${encodeURI(resolved.gid)}`, 302);
      }
      if (resolved.redirected) return reply.redirect(debateHref(resolved.gid), 301);
      const { cursor } = parseOr400(debateCursor, req.query);
      const debate = await ctx.debates.get(resolved.gid, DEFAULT_MIN_CONFIDENCE, { after: cursor ?? null });
      if (!debate)
        return sendPage(
          reply,
          messagePage('Debate not found', `Nothing in the record has the id ${gid}.`),
          404,
        );
      const [catalogue, neighbours, evidence] = await Promise.all([
        ctx.tagCatalogue(),
        ctx.days.neighbours(debate.gid),
        ctx.evidence.forSpeeches(
          debate.speeches.filter((s) => s.tags.length > 0).map((s) => s.gid),
          DEFAULT_MIN_CONFIDENCE,
        ),
      ]);
      return sendPage(reply, renderDebate(debate, catalogue, neighbours, evidence));
    },
  );
  // A speech's own address is its place in its debate.
  app.get(
    '/speeches/*',
    doc({
      tag: 'Pages',
      summary: 'A speech: redirects to its place in its debate',
      params: { gid: gidParam },
      responses: { 301: { description: 'To the speech in its debate page.' }, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const gid = gidFromPath(req);
      const current = await ctx.speeches.resolveGid(gid);
      const heading = current ? await ctx.debates.headingOfSpeech(current) : null;
      if (!current)
        return sendPage(
          reply,
          messagePage('Speech not found', `Nothing in the record has the id ${gid}.`),
          404,
        );
      if (!heading) return reply.redirect(`/api/v1/speeches/${encodeURI(current)}`, 302);
      return reply.redirect(`${debateHref(heading)}#${encodeURIComponent(speechAnchor(current))}`, 301);
    },
  );
}

/** Divisions listed on a person's page; the rest are in the votes API and the vote export. */
const PERSON_DIVISIONS = 100;
const TAGS_WITH_SPEECHES = 6;
const SPEECHES_PER_TAG = 3;

/** A person address that names nobody: say so, and offer the name search with what was typed. */
function noSuchPerson(typed: string): string {
  const looksLikeName = /[a-z]/i.test(typed) && typed.length <= 100;
  return errorPage(
    'Person not found',
    `Nobody in the member data has the id "${typed}". People's pages are addressed by their TheyWorkForYou person number, like /people/10287.`,
    looksLikeName
      ? html`<p><a href="/people?q=${encodeURIComponent(typed)}">Find people named "${typed}"</a></p>`
      : html`<p><a href="/people">Find a person by name</a></p>`,
  );
}

function tagRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/tags',
    doc({
      tag: 'Pages',
      summary: 'The tags, with their descriptions and counts',
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (_req, reply) => sendPage(reply, await renderTagList(ctx)),
  );
  app.get<{ Params: { tag: string } }>(
    '/tags/:tag',
    doc({
      tag: 'Pages',
      summary: 'A tag: counts by month, house and party, top speakers, and its speeches with evidence',
      querystring: tagPageQuery,
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const page = await renderTagPage(ctx, req.params.tag, req.query as FormValues);
      if (!page)
        return sendPage(
          reply,
          messagePage('Tag not found', `There is no tag “${req.params.tag}”. See the list of tags at /tags.`),
          404,
        );
      return sendPage(reply, page.html, page.status);
    },
  );
}

function peopleRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get(
    '/people',
    doc({
      tag: 'Pages',
      summary: 'Find people by name',
      querystring: peopleQuery.partial(),
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const values = req.query as FormValues;
      if (values.q === undefined) return sendPage(reply, renderPeople('', null, []));
      const parsed = peopleQuery.safeParse(values);
      if (!parsed.success)
        return sendPage(reply, renderPeople(String(values.q), null, fieldIssues(parsed.error)), 400);
      return sendPage(
        reply,
        renderPeople(parsed.data.q, await ctx.people.searchByName(parsed.data.q, parsed.data.limit), []),
      );
    },
  );
  app.get<{ Params: { id: string } }>(
    '/people/:id',
    doc({
      tag: 'Pages',
      summary: "A person's profile and record",
      params: { id: personParam },
      querystring: recordQuery,
      responses: { 200: HTML_PAGE, 400: HTML_ERROR, 404: HTML_ERROR },
    }),
    async (req, reply) => {
      const parsedId = personParam.safeParse(req.params.id);
      if (!parsedId.success) return sendPage(reply, noSuchPerson(req.params.id), 400);
      const id = parsedId.data;
      const q = parseOr400(recordQuery, req.query);
      const minConfidence = q.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
      const [profile, record, latest, catalogue, divisions] = await Promise.all([
        ctx.people.profile(id),
        ctx.people.record(id, { minConfidence, from: q.from, to: q.to }),
        ctx.search.search(
          { minConfidence, personId: id, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) },
          { limit: 10 },
        ),
        ctx.tagCatalogue(),
        ctx.personDivisions.record(id, PERSON_DIVISIONS, minConfidence),
      ]);
      if (!profile) return sendPage(reply, noSuchPerson(req.params.id), 404);
      // A few speeches for each of the person's most used tags, newest first.
      const byTag = await Promise.all(
        record.byTag.slice(0, TAGS_WITH_SPEECHES).map(async (t) => ({
          tag: t.tag,
          speeches: t.speeches,
          page: await ctx.search.search(
            {
              minConfidence,
              personId: id,
              tags: [t.tag],
              ...(q.from ? { from: q.from } : {}),
              ...(q.to ? { to: q.to } : {}),
            },
            { limit: SPEECHES_PER_TAG },
          ),
        })),
      );
      const shown = [...latest.results, ...byTag.flatMap((t) => t.page.results)].map((h) => h.gid);
      const evidence = await ctx.evidence.forSpeeches([...new Set(shown)], minConfidence);
      return sendPage(
        reply,
        renderPerson({ profile, record, latest, catalogue, divisions, byTag, evidence }),
      );
    },
  );
}
