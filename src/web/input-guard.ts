/**
 * One check of every request's strings before any route sees them: the query, the path
 * parameters and the parsed body, keys and values. Refused with a 400 naming the field:
 *
 * - NUL and the other control characters (tab, line feed and carriage return excepted):
 *   Postgres refuses NUL in text, which would surface as a 500, and no field of ours has
 *   a use for the others;
 * - unpaired UTF-16 surrogates (a JSON body can carry `"\ud800"`): not text at all.
 *
 * Registered once at the root, so every route (the API, pages, alerts, /admin) is covered,
 * including routes added later. Schemas still check each field's own shape.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { textProblem } from '../search/filters.js';
import type { FieldIssue } from '../input/field-issues.js';
import { sendClientError } from './fallback.js';

/** JSON bodies nest; ours never deeper than an object of arrays. */
const MAX_DEPTH = 16;

function walk(value: unknown, field: string, depth: number, out: FieldIssue[]): void {
  if (out.length > 0) return;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) out.push({ field, message: problem });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) {
    out.push({ field, message: 'is nested too deeply' });
    return;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    if (!Array.isArray(value) && textProblem(key)) {
      out.push({ field, message: 'has a parameter name with control characters or invalid Unicode' });
      return;
    }
    walk(v, Array.isArray(value) ? field : `${field}.${key}`, depth + 1, out);
  }
}

/**
 * Whether every name and value of a raw query string percent-decodes to UTF-8. Fastify's
 * parser keeps undecodable ones as they came, and code that decodes them again (Bull
 * Board does) throws.
 */
export function queryDecodes(url: string): boolean {
  const at = url.indexOf('?');
  if (at < 0) return true;
  try {
    for (const part of url.slice(at + 1).split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** The first bad string of a request, named by where it was (`query.q`, `path.id`, `body.email`). */
export function requestTextIssues(
  req: Pick<FastifyRequest, 'query' | 'params' | 'body' | 'url'>,
): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (!queryDecodes(req.url)) return [{ field: 'query', message: 'is not valid percent-encoded UTF-8' }];
  walk(req.query, 'query', 0, out);
  walk(req.params, 'path', 0, out);
  walk(req.body, 'body', 0, out);
  return out;
}

/** A preValidation hook: after the body is parsed, before any handler. */
export async function rejectBadText(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const issues = requestTextIssues(req);
  if (issues.length === 0) return;
  const where = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return sendClientError(req, reply, 400, `Invalid request: ${where}`, issues);
}
