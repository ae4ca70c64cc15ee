/**
 * Security headers for every response of the server, by @fastify/helmet registered once at
 * the root (src/web/server.ts), so health checks, /admin, Bull Board, 404s and error
 * replies carry them as well as the pages and the API.
 *
 * The site's CSP allows scripts and styles only from this origin (no inline script or
 * style anywhere, so no 'unsafe-inline'), no plugins, no framing, and forms that post only
 * back here. Bull Board's UI (under /admin/queues) styles itself inline and sets a <base>,
 * so its routes get a looser style-src and base-uri, and still no framing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyPluginAsync, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

const SITE_DIRECTIVES: Directives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Bull Board: inline style attributes and <style>, its <base href>, fonts it may inline. */
const BULL_BOARD_DIRECTIVES: Directives = {
  ...SITE_DIRECTIVES,
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'base-uri': ["'self'"],
};

/** The header as helmet writes it (directives joined by ";" without a space). */
function policy(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';');
}

/** Swagger UI (/api/docs/ui, served from this origin, no CDN): its React views set inline styles. */
const DOCS_UI_DIRECTIVES: Directives = {
  ...SITE_DIRECTIVES,
  'style-src': ["'self'", "'unsafe-inline'"],
};

export const CONTENT_SECURITY_POLICY = policy(SITE_DIRECTIVES);
export const DOCS_UI_CONTENT_SECURITY_POLICY = policy(DOCS_UI_DIRECTIVES);
export const BULL_BOARD_CONTENT_SECURITY_POLICY = policy(BULL_BOARD_DIRECTIVES);

const csp = (directives: Directives) => ({ useDefaults: false, directives });

const HELMET_OPTIONS = {
  contentSecurityPolicy: csp(SITE_DIRECTIVES),
  // Older browsers that ignore frame-ancestors.
  frameguard: { action: 'deny' },
  // Search terms in our URLs say what a campaigner is researching: do not send them to other sites.
  referrerPolicy: { policy: 'same-origin' },
  // Self-hosters may run this on a subdomain of a domain whose other hosts are not all HTTPS.
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
} satisfies FastifyHelmetOptions;

const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=()';

/** Helmet has no Permissions-Policy; the site asks for no powerful feature. */
function permissionsPolicy(app: FastifyInstance): void {
  app.addHook('onRequest', async (_req, reply) => {
    reply.raw.setHeader('permissions-policy', PERMISSIONS_POLICY);
  });
}

/**
 * The headers for `app` and everything registered in it. Register at the root before any
 * route; it is not encapsulated (fastify-plugin), so its hooks run for every route and 404.
 */
export const securityHeaders: FastifyPluginAsync = fp(
  async (app) => {
    await app.register(fastifyHelmet, { ...HELMET_OPTIONS, global: true });
    permissionsPolicy(app);
  },
  { name: 'hansard-watch-security-headers' },
);

const plainHelmet = helmet(HELMET_OPTIONS);

/**
 * The same headers set directly, for the answers Fastify gives before any hook runs (a URL
 * that does not decode is refused while routing).
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  plainHelmet(req, res, () => undefined);
  res.setHeader('permissions-policy', PERMISSIONS_POLICY);
}

/**
 * For plugins that may be used without the server's root (tests register the web and
 * alert plugins alone): adds the headers to `app`'s context unless an ancestor already has.
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  if (app.hasReplyDecorator('helmet')) return;
  void app.register(securityHeaders);
}

/**
 * An onRoute hook giving the Bull Board routes under `prefix` their own CSP (helmet reads
 * `config.helmet` per route). Add it in the context that registers Bull Board, before it.
 */
export function bullBoardCsp(prefix: string) {
  return routeCsp(prefix, BULL_BOARD_DIRECTIVES);
}

/** The same for Swagger UI's routes under `prefix`. */
export function docsUiCsp(prefix: string) {
  return routeCsp(prefix, DOCS_UI_DIRECTIVES);
}

function routeCsp(prefix: string, directives: Directives) {
  return (route: RouteOptions): void => {
    if (!route.url.startsWith(prefix)) return;
    route.config = {
      ...(route.config as object | undefined),
      helmet: { contentSecurityPolicy: csp(directives) },
    } as RouteOptions['config'];
  };
}
