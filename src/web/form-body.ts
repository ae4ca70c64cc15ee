/**
 * HTML forms post application/x-www-form-urlencoded: parsed by @fastify/formbody, registered
 * once at the server's root (src/web/server.ts) for every route. Repeated keys (checkboxes)
 * become arrays, as in query strings.
 */
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';

/**
 * Adds the parser to `app` unless an ancestor has it: the web and alert plugins call this
 * so that they also work registered alone (tests), without a second parser on the server.
 */
export async function addFormBodies(app: FastifyInstance): Promise<void> {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  await app.register(fastifyFormbody);
}
