/**
 * Alert routes, one plugin for the server to register (at the root; paths are absolute):
 *
 *   await app.register(alertsPlugin, { alerts });
 *
 * Pages: GET/POST /alerts/confirm, GET/POST /alerts/unsubscribe (POST is also RFC 8058
 * one-click), GET/POST /alerts/manage, POST /alerts/manage/action, GET /alerts/feed/:token.
 * API: POST /api/v1/alerts (e-mail: public, double opt-in; webhook and feed: API key),
 * and, with an API key, GET /api/v1/alerts, GET|DELETE /api/v1/alerts/:id,
 * POST /api/v1/alerts/:id/pause|resume.
 *
 * The web form's POST /api/v1/subscriptions (src/web/api) uses the same service: pass
 * `alerts.service` as the web plugin's `subscriptions` option, and one general rate-limit
 * hook to both plugins (src/web/server.ts), so that these routes do not escape it.
 */
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify';
import type { Alerts } from '../../alert/alerts.js';
import { AlertInputError } from '../../alert/errors.js';
import { ALERT_PATHS } from '../../alert/links.js';
import { renderAtom } from '../../alert/render/atom.js';
import { DEFAULT_RATE_LIMITS } from '../api/context.js';
import { errorBody } from '../api/errors.js';
import { addFormBodies } from '../form-body.js';
import { rateLimiter, type RateLimit } from '../api/rate-limit.js';
import { addSecurityHeaders } from '../api/security.js';
import { alertApiRoutes } from './api-routes.js';
import { refusalOf, sendRefusal } from './refusals.js';
import {
  confirmedPage,
  confirmPage,
  invalidLinkPage,
  managePage,
  previewPage,
  manageRequestPage,
  unsubscribedPage,
  unsubscribePage,
} from './pages.js';
import { z } from 'zod';
import { addApiDocs, doc, HTML_PAGE, TOO_MANY } from '../api/openapi.js';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'application/json'] as const;
const LINK_INVALID = {
  description: 'The link is not valid or has expired (a page saying so).',
  content: { 'text/html': { schema: { type: 'string' } } },
};
/** What the pages read (loosely, by field): described here for the document. */
const TOKEN = z.object({ token: z.string() });
const MANAGE_QUERY = z.object({ token: z.string().optional(), notice: z.string().optional() });
const PREVIEW_QUERY = z.object({
  token: z.string(),
  id: z.string(),
  date: z.string().optional().describe('YYYY-MM-DD; default the latest sitting stored'),
});
/** Matches the confirmation page shows: enough to see what the alert catches. */
const RECENT_ON_CONFIRM = 5;
const MANAGE_REQUEST = z.object({ email: z.string() });
const MANAGE_ACTION = z.object({
  token: z.string(),
  id: z.string(),
  action: z.enum(['pause', 'resume', 'delete', 'feed']),
});

export interface AlertsPluginOptions {
  alerts: Pick<Alerts, 'service' | 'deliveries' | 'links' | 'preview' | 'recentMatches'>;
  /**
   * The site's general per-client limit, on every alert route: the server passes the
   * very hook the rest of the site uses, so that one client has one budget. A RateLimit
   * makes a hook of its own; `false` turns limiting off (tests). Default: the site's
   * general limit, in a hook of its own.
   */
  rateLimit?: onRequestHookHandler | RateLimit | false;
}

const FEED_ENTRIES = 50;

export const alertsPlugin: FastifyPluginAsync<AlertsPluginOptions> = async (app, { alerts, rateLimit }) => {
  addSecurityHeaders(app);
  await addApiDocs(app);
  const limit = rateLimit ?? DEFAULT_RATE_LIMITS.general;
  if (limit)
    app.addHook(
      'onRequest',
      typeof limit === 'function'
        ? limit
        : await rateLimiter(app, 'general', limit, 'Too many requests from your address.'),
    );
  await addFormBodies(app);
  // RFC 8058 lets mail providers post the one-click body as multipart; its content is not needed.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_req, _body, done) =>
    done(null, {}),
  );
  app.setErrorHandler(alertErrorHandler);
  pageRoutes(app, alerts);
  await app.register(async (api) => alertApiRoutes(api, alerts.service), { prefix: '/api/v1/alerts' });
};

function field(body: unknown, name: string): string | undefined {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function tokenOf(req: FastifyRequest): string {
  return field(req.query, 'token') ?? field(req.body, 'token') ?? '';
}

/** Pages reached through secret links: never cached, never indexed. */
function htmlPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(body);
}

function pageRoutes(app: FastifyInstance, alerts: AlertsPluginOptions['alerts']): void {
  const { service } = alerts;

  app.get(
    ALERT_PATHS.confirm,
    doc({
      tag: 'Alerts',
      summary: 'Confirmation page (the link in the opt-in e-mail); confirming is a POST',
      querystring: TOKEN,
      responses: { 200: HTML_PAGE, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const token = tokenOf(req);
      const sub = await service.peekConfirm(token);
      return htmlPage(reply, confirmPage(token, sub), sub ? 200 : 400);
    },
  );

  app.post(
    ALERT_PATHS.confirm,
    doc({
      tag: 'Alerts',
      summary: 'Confirm a subscription',
      body: TOKEN,
      bodyTypes: FORM_TYPES,
      responses: { 200: HTML_PAGE, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const out = await service.confirm(tokenOf(req));
      if (out.status === 'invalid')
        return htmlPage(
          reply,
          invalidLinkPage(
            'This confirmation link is not valid or has expired. Subscribe again to get a new one.',
          ),
          400,
        );
      return htmlPage(
        reply,
        confirmedPage(
          out.subscription,
          out.status === 'confirmed' ? out.feedUrl : null,
          out.status === 'already',
          await alerts.recentMatches(out.subscription, RECENT_ON_CONFIRM),
        ),
      );
    },
  );

  app.get(
    ALERT_PATHS.unsubscribe,
    doc({
      tag: 'Alerts',
      summary: 'Unsubscribe page (the link in every alert e-mail)',
      querystring: TOKEN,
      responses: { 200: HTML_PAGE, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const token = tokenOf(req);
      const sub = await service.peekUnsubscribe(token);
      if (sub === 'invalid')
        return htmlPage(reply, invalidLinkPage('This unsubscribe link is not valid.'), 400);
      return htmlPage(reply, unsubscribePage(token, sub));
    },
  );

  app.post(
    ALERT_PATHS.unsubscribe,
    doc({
      tag: 'Alerts',
      summary: 'Unsubscribe; also RFC 8058 one-click (List-Unsubscribe-Post)',
      body: TOKEN,
      bodyTypes: [...FORM_TYPES, 'multipart/form-data'],
      responses: { 200: HTML_PAGE, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const out = await service.unsubscribe(tokenOf(req));
      if (!out) return htmlPage(reply, invalidLinkPage('This unsubscribe link is not valid.'), 400);
      return htmlPage(reply, unsubscribedPage(out.subscription));
    },
  );

  app.get(
    ALERT_PATHS.manage,
    doc({
      tag: 'Alerts',
      summary: "Manage alerts: with a token, the address's alerts; without, a form asking for a link",
      querystring: MANAGE_QUERY,
      responses: { 200: HTML_PAGE, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const token = tokenOf(req);
      if (!token) return htmlPage(reply, manageRequestPage(null));
      const view = await service.manage(token);
      if (!view)
        return htmlPage(
          reply,
          manageRequestPage(null, 'That link is not valid or has expired: ask for a new one below.'),
          400,
        );
      return htmlPage(
        reply,
        managePage(token, view.email, view.subscriptions, field(req.query, 'notice') ?? null),
      );
    },
  );

  app.post(
    ALERT_PATHS.manage,
    doc({
      tag: 'Alerts',
      summary:
        "Ask for a link to manage an address's alerts (sent by e-mail; the same answer for every address)",
      body: MANAGE_REQUEST,
      bodyTypes: FORM_TYPES,
      responses: { 202: HTML_PAGE, 400: HTML_PAGE, 429: TOO_MANY },
    }),
    async (req, reply) => {
      try {
        await service.requestManageLink(field(req.body, 'email') ?? '', { ip: req.ip });
      } catch (err) {
        if (err instanceof AlertInputError)
          return htmlPage(
            reply,
            manageRequestPage(null, err.issues.map((i) => `${i.field}: ${i.message}`).join('; ')),
            400,
          );
        throw err;
      }
      return htmlPage(
        reply,
        manageRequestPage(
          'If that address has alerts, a link to manage them is on its way. It works for 24 hours.',
        ),
        202,
      );
    },
  );

  app.get(
    `${ALERT_PATHS.manage}/preview`,
    doc({
      tag: 'Alerts',
      summary:
        "An alert's next e-mail, rendered from stored speeches and sent to nobody (from the manage page)",
      querystring: PREVIEW_QUERY,
      responses: { 200: HTML_PAGE, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const token = tokenOf(req);
      const id = field(req.query, 'id') ?? '';
      const date = field(req.query, 'date') ?? null;
      const view = await service.manage(token);
      if (!view || !view.subscriptions.some((s) => s.id === id))
        return htmlPage(
          reply,
          invalidLinkPage('That link is not valid or has expired, or the alert is gone.'),
          400,
        );
      if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date))
        return htmlPage(reply, invalidLinkPage('date: must be a date like 2009-10-27.'), 400);
      const preview = await alerts.preview(id, date);
      const back = `${ALERT_PATHS.manage}?token=${encodeURIComponent(token)}`;
      return htmlPage(reply, previewPage(preview, back)).header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; frame-ancestors 'none'",
      );
    },
  );

  app.post(
    `${ALERT_PATHS.manage}/action`,
    doc({
      tag: 'Alerts',
      summary: 'Pause, resume or delete an alert, or get a new feed address, from the manage page',
      body: MANAGE_ACTION,
      bodyTypes: FORM_TYPES,
      responses: { 303: { description: 'Back to the manage page, with a notice.' }, 400: LINK_INVALID },
    }),
    async (req, reply) => {
      const token = field(req.body, 'token') ?? '';
      const action = field(req.body, 'action');
      if (action !== 'pause' && action !== 'resume' && action !== 'delete' && action !== 'feed')
        return htmlPage(reply, invalidLinkPage('Unknown action.'), 400);
      const out = await service.manageAction(token, field(req.body, 'id') ?? '', action);
      if (!out.ok)
        return htmlPage(
          reply,
          invalidLinkPage('That did not work: the link may have expired, or the alert is gone.'),
          400,
        );
      const notice =
        action === 'feed'
          ? `New feed address (the old one no longer works): ${out.feedUrl}`
          : `Done: ${action === 'delete' ? 'deleted' : `${action}d`}.`;
      return reply.redirect(
        `${ALERT_PATHS.manage}?token=${encodeURIComponent(token)}&notice=${encodeURIComponent(notice)}`,
        303,
      );
    },
  );

  app.get(
    `${ALERT_PATHS.feed}/:token`,
    doc({
      tag: 'Alerts',
      summary: "An alert's Atom feed (its address is the secret)",
      params: { token: z.string() },
      responses: {
        200: {
          description: 'Atom feed of the latest matches.',
          content: { 'application/atom+xml': { schema: { type: 'string' } } },
        },
        404: { description: 'No such feed.', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    }),
    async (req, reply) => {
      const { token } = req.params as { token: string };
      const sub = await service.byFeedToken(token);
      if (!sub || sub.status === 'pending')
        return reply.code(404).type('text/plain; charset=utf-8').send('No such feed.');
      const entries = await alerts.deliveries.recentItems(sub.id, FEED_ENTRIES);
      const self = alerts.links.feed(token);
      return reply
        .header('cache-control', 'private, max-age=300')
        .header('x-robots-tag', 'noindex')
        .type('application/atom+xml; charset=utf-8')
        .send(renderAtom(sub, entries, self, alerts.links));
    },
  );
}

export async function alertErrorHandler(
  err: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const refusal = refusalOf(err);
  if (refusal) {
    await sendRefusal(reply, refusal);
    return;
  }
  const status = (err as FastifyError).statusCode ?? 500;
  if (status >= 400 && status < 500) {
    await reply.code(status).send(errorBody(status, err.message));
    return;
  }
  req.log.error({ err, url: req.url }, 'alert request failed');
  await reply.code(500).send({
    error: 'Internal Server Error',
    message: 'Something went wrong on the server; it has been logged.',
  });
}
