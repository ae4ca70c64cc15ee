/**
 * The alert service's refusals as HTTP answers: the one mapping used by every alert
 * route, the site's subscribe form included (src/web/api/subscription-routes.ts), so that
 * a refusal reads the same wherever it was asked. Bad input is 400 naming each field,
 * too many requests 429 with Retry-After, no e-mail on this server 503.
 */
import type { FastifyReply } from 'fastify';
import { AlertInputError, AlertRateLimitError, AlertUnavailableError } from '../../alert/errors.js';
import type { FieldIssue } from '../../input/field-issues.js';
import { errorBody } from '../api/errors.js';

export interface Refusal {
  status: 400 | 429 | 503;
  message: string;
  issues?: FieldIssue[];
  retryAfterSeconds?: number;
}

/** The refusal an error from the alert service stands for; null for anything else (a server error). */
export function refusalOf(err: unknown): Refusal | null {
  if (err instanceof AlertInputError) return { status: 400, message: err.message, issues: err.issues };
  if (err instanceof AlertRateLimitError)
    return { status: 429, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  if (err instanceof AlertUnavailableError) return { status: 503, message: err.message };
  return null;
}

/** Bad input found before the service was asked (a schema), refused as the service refuses it. */
export function inputRefusal(issues: FieldIssue[]): Refusal {
  return { status: 400, message: new AlertInputError(issues).message, issues };
}

/** Status and Retry-After of a refusal, on any reply (JSON or a page). */
export function refusalStatus(reply: FastifyReply, refusal: Refusal): FastifyReply {
  reply.code(refusal.status);
  if (refusal.retryAfterSeconds !== undefined) reply.header('retry-after', String(refusal.retryAfterSeconds));
  return reply;
}

/** A refusal in the API's JSON error body. */
export function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return refusalStatus(reply, refusal).send(errorBody(refusal.status, refusal.message, refusal.issues));
}
