/**
 * Typed feed failures. Every error carries the URL (or file:// URL for a local mirror),
 * how many attempts were made and whether trying again later could help, so the queue
 * layer can choose between "retry the job with backoff" and "fail it for a human".
 */

export interface FeedErrorDetails {
  url: string;
  attempts: number;
  retryable: boolean;
  cause?: unknown;
}

export class FeedError extends Error {
  readonly url: string;
  readonly attempts: number;
  readonly retryable: boolean;

  constructor(message: string, details: FeedErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.url = details.url;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
  }
}

/**
 * The server answered with a status we cannot use, or never answered (status null:
 * connection refused/reset, timeout). `retryAfterMs` is set when the server asked us
 * to wait longer than the client is configured to, so the caller can delay the job.
 */
export class FeedHttpError extends FeedError {
  readonly status: number | null;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details: FeedErrorDetails & { status: number | null; retryAfterMs?: number | undefined },
  ) {
    super(message, details);
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 404/410 (or a missing file in a mirror): not retried; the file is not (yet) published. */
export class FeedNotFoundError extends FeedHttpError {
  constructor(url: string, status = 404, attempts = 1) {
    super(`Not found (${status}): ${url}`, { url, status, attempts, retryable: false });
  }
}

export type InvalidBodyReason =
  | 'truncated'
  | 'length-mismatch'
  | 'no-root'
  | 'unexpected-root'
  | 'bad-encoding'
  | 'invalid-json'
  | 'no-persons'
  | 'too-large';

/** A body that arrived but must not be handed on: the wrong kind of document. Not retried. */
export class InvalidBodyError extends FeedError {
  readonly reason: InvalidBodyReason;
  readonly byteLength: number;

  constructor(
    message: string,
    url: string,
    reason: InvalidBodyReason,
    byteLength: number,
    extra: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { url, attempts: 1, retryable: extra.retryable ?? false, cause: extra.cause });
    this.reason = reason;
    this.byteLength = byteLength;
  }
}

/**
 * A body cut off before its end (connection dropped, Content-Length not reached, XML
 * root never closed, JSON unparseable). Transient by nature, so retryable.
 */
export class IncompleteBodyError extends InvalidBodyError {
  readonly expectedLength: number | undefined;

  constructor(
    url: string,
    byteLength: number,
    details: { reason: InvalidBodyReason; expectedLength?: number | undefined; cause?: unknown },
  ) {
    const expected = details.expectedLength === undefined ? '' : ` of ${details.expectedLength}`;
    super(
      `Incomplete body (${details.reason}) from ${url}: ${byteLength}${expected} bytes`,
      url,
      details.reason,
      byteLength,
      { retryable: true, cause: details.cause },
    );
    this.expectedLength = details.expectedLength;
  }
}

/** Record the final attempt count on an error, so the thrown error says how hard we tried. */
export function withAttempts<E extends FeedError>(error: E, attempts: number): E {
  Object.defineProperty(error, 'attempts', { value: attempts, enumerable: true });
  return error;
}
