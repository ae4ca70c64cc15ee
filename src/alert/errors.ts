/**
 * Errors the alert service reports to callers. They carry an HTTP status so that any
 * Fastify error handler (ours or the API's) answers with it rather than a 500.
 */

import type { FieldIssue } from '../input/field-issues.js';

/** Bad input: 400, naming every field that was wrong. Nothing has been stored. */
export class AlertInputError extends Error {
  override readonly name = 'AlertInputError';
  readonly statusCode = 400;
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
}

/** Too many requests from this client or for this address: 429, with when to come back. */
export class AlertRateLimitError extends Error {
  override readonly name = 'AlertRateLimitError';
  readonly statusCode = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${message} Try again in ${retryAfterSeconds} s.`);
  }
}

/** The channel is not set up on this server (e-mail without SMTP_URL): 503. */
export class AlertUnavailableError extends Error {
  override readonly name = 'AlertUnavailableError';
  readonly statusCode = 503;
}
