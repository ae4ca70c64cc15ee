/**
 * The admin token guard: `Authorization: Bearer <token>`, or HTTP Basic with the token as
 * password (any user name) so a browser can open the queue dashboard. Compared in
 * constant time on digests, so neither content nor length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './api/errors.js';

export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

export function tokensMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** An onRequest hook refusing requests without the token. */
export function requireToken(expected: string) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (tokensMatch(tokenFromHeader(req.headers.authorization), expected)) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Basic realm="hansard-watch admin", charset="UTF-8"')
      .send(errorBody(401, 'Admin token required (Authorization: Bearer <ADMIN_TOKEN>).'));
  };
}
