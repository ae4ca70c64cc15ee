/**
 * Response headers for every page and API response of the public site. The CSP allows
 * scripts and styles only from this origin (no inline script or style anywhere, so no
 * 'unsafe-inline'), no plugins, no framing, and forms that post only back here.
 */
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Search terms in our URLs say what a campaigner is researching: do not send them to other sites.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/** Adds the headers to every response of `app`'s context (and the contexts it registers). */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_req, reply) => {
    // Set before the handler runs so that hijacked or streamed replies carry them too.
    reply.headers(SECURITY_HEADERS);
  });
}
