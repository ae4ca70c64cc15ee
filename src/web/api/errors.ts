/**
 * Client errors with a body that says which field was wrong and why, and one error
 * handler for the API so that a failure never leaks a stack trace or SQL.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { fieldIssues, type FieldIssue } from '../../input/field-issues.js';

export class BadRequestError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly issues: FieldIssue[],
    readonly location: 'query' | 'body' | 'path' = 'query',
  ) {
    super(`Invalid ${location}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'BadRequestError';
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  issues?: FieldIssue[];
}

/** Parses `input` or throws a BadRequestError naming every bad field. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  input: unknown,
  location: 'query' | 'body' | 'path' = 'query',
): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new BadRequestError(fieldIssues(result.error), location);
  return result.data;
}

export function errorBody(status: number, message: string, issues?: FieldIssue[]): ErrorBody {
  return { error: STATUS_TEXT[status] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** Fastify's own client errors (bad JSON, wrong content type, body too large) keep their status. */
function clientStatus(err: FastifyError): number | null {
  const status = err.statusCode ?? 0;
  return status >= 400 && status < 500 ? status : null;
}

/**
 * The store is overloaded rather than broken: no pool connection came free in time
 * (pg-pool's acquire timeout), or Postgres cancelled a statement (statement_timeout, 57014).
 */
export function storeBusy(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return code === '57014' || /timeout exceeded when trying to connect/i.test(err.message);
}

/** Seconds a client is asked to wait when the store is busy. */
const BUSY_RETRY_SECONDS = 5;

export async function apiErrorHandler(
  err: FastifyError | BadRequestError,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  // A route may have set up a download (text/csv, attachment) before failing: the error is
  // JSON, and an object sent under another type would fail again inside Fastify.
  reply.removeHeader('content-disposition');
  reply.removeHeader('content-type');
  if (err instanceof BadRequestError) {
    await reply.code(400).send(errorBody(400, err.message, err.issues));
    return;
  }
  const status = clientStatus(err as FastifyError);
  if (status) {
    await reply.code(status).send(errorBody(status, err.message));
    return;
  }
  if (storeBusy(err)) {
    req.log.warn({ err: (err as Error).message, url: req.url }, 'store busy');
    await reply
      .code(503)
      .header('retry-after', String(BUSY_RETRY_SECONDS))
      .send(errorBody(503, 'The server is busy; try again in a few seconds.'));
    return;
  }
  req.log.error({ err, url: req.url }, 'request failed');
  await reply.code(500).send(errorBody(500, 'Something went wrong on the server; it has been logged.'));
}
