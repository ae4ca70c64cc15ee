/**
 * Cross-site request forgery guard for /admin. A browser that holds the admin's Basic
 * credentials sends them with every request to this origin, including one that a hostile
 * page makes it send (a form posting text/plain, a no-cors fetch). So a request that may
 * change something must show it was not sent from another site:
 *
 * - Sec-Fetch-Site, when present (every current browser sends it), must be `same-origin`
 *   or `none` (typed or bookmarked); `same-site` is refused too: a sibling subdomain is
 *   another site's code;
 * - otherwise an Origin header, when present (older browsers), must name this host;
 * - requests with neither come from programs (the CLI, curl), which carry the token
 *   explicitly rather than by ambient browser credentials.
 *
 * The admin JSON API additionally takes only `application/json`: a browser sends that
 * cross-origin only after a CORS preflight, which this server never grants, so even a
 * browser sending neither header cannot be made to call it. Bull Board's own buttons send
 * bodiless PUTs from its page, which the first rule lets through.
 *
 * Headers rather than a token: the clients are the CLI and Bull Board's prebuilt page,
 * neither of which could carry a token of ours, and there is no session to bind one to.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './api/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** host[:port] without the scheme's default port, lower-cased, for comparing Origin with Host. */
function normalHost(host: string): string {
  return host.toLowerCase().replace(/:(?:80|443)$/, '');
}

/** Why the request looks cross-site, or null. */
export function crossSiteReason(headers: FastifyRequest['headers'], host: string | undefined): string | null {
  const site = headers['sec-fetch-site'];
  if (site !== undefined)
    return site === 'same-origin' || site === 'none' ? null : `it was sent from another site (${site})`;
  const origin = headers.origin;
  if (origin === undefined) return null;
  let originHost = '';
  try {
    originHost = new URL(origin).host;
  } catch {
    // "null" (sandboxed frames, some redirects) and anything else that is not a URL.
  }
  const same = originHost !== '' && host !== undefined && normalHost(originHost) === normalHost(host);
  return same ? null : 'its Origin is not this server';
}

/** onRequest: refuses state-changing requests from other sites before their body is read. */
export async function refuseCrossSite(
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | void> {
  if (SAFE_METHODS.has(req.method)) return;
  const reason = crossSiteReason(req.headers, req.host);
  if (reason === null) return;
  req.log.warn({ url: req.url, origin: req.headers.origin }, 'cross-site admin request refused');
  return reply.code(403).send(errorBody(403, `Admin request refused: ${reason}.`));
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** onRequest: the admin API's changes take JSON only (see the module comment). */
export async function requireJson(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  if (SAFE_METHODS.has(req.method)) return;
  if (mediaType(req.headers['content-type']) === 'application/json') return;
  return reply
    .code(415)
    .send(
      errorBody(415, 'Admin API requests that change something must send Content-Type: application/json.'),
    );
}
