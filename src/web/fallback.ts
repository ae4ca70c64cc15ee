/**
 * The server's answers where no feature answers for itself: unknown paths, URLs that do
 * not decode, and errors from routes without an error handler of their own (health checks,
 * /admin, Bull Board). Machine paths get the API's JSON error body, everything else the
 * site's HTML page; neither ever carries a stack trace, an internal error code or SQL.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldIssue } from '../input/field-issues.js';
import { BadRequestError, errorBody } from './api/errors.js';
import { applySecurityHeaders } from './api/security.js';
import { messagePage } from './pages/plugin.js';

/** Paths whose clients are programs: the API (not its docs pages), admin, health, alert feeds. */
const MACHINE_PATHS =
  /^\/(?:api\/(?!docs\/?(?:$|\?)|docs\/ui(?:[/?]|$))|admin(?:\/|$)|healthz|readyz|alerts\/feed\/)/;

export function wantsJson(url: string): boolean {
  return MACHINE_PATHS.test(url);
}

const PAGE_TITLES: Record<number, string> = {
  400: 'That address is not valid',
  404: 'Page not found',
};

/** A 4xx answer in the form the path's clients read. */
export function sendClientError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  issues?: FieldIssue[],
): FastifyReply {
  reply.code(status);
  if (wantsJson(req.url)) return reply.send(errorBody(status, message, issues));
  const detail = issues?.length ? issues.map((i) => `${i.field}: ${i.message}`).join('; ') : message;
  return reply
    .type('text/html; charset=utf-8')
    .send(messagePage(PAGE_TITLES[status] ?? 'That request was not accepted', detail));
}

function sendServerError(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.code(500);
  const message = 'Something went wrong on the server; it has been logged.';
  if (wantsJson(req.url)) return reply.send(errorBody(500, message));
  return reply
    .type('text/html; charset=utf-8')
    .send(messagePage('Something went wrong', 'The error has been logged. Please try again later.'));
}

/**
 * Fastify's own client errors (bad JSON, a content type it cannot parse, a body too large)
 * keep their status and message, never their code.
 */
export async function rootErrorHandler(
  err: FastifyError | BadRequestError,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (err instanceof BadRequestError) return sendClientError(req, reply, 400, err.message, err.issues);
  const status = (err as FastifyError).statusCode ?? 500;
  if (status >= 400 && status < 500) return sendClientError(req, reply, status, err.message);
  req.log.error({ err, url: req.url }, 'request failed');
  return sendServerError(req, reply);
}

export async function rootNotFoundHandler(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = req.url.split('?')[0] ?? '';
  return sendClientError(req, reply, 404, `Nothing here: ${req.method} ${path}`);
}

/**
 * URLs whose percent-encoding does not decode (`/%zz`): refused while routing, before any
 * hook, so the security headers are set here; Fastify's default answer names its error code.
 */
export function frameworkErrors(_err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  applySecurityHeaders(req.raw, reply.raw);
  void sendClientError(req, reply, 400, 'The address is not a valid URL.');
}
