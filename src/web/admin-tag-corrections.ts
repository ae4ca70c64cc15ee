/**
 * Editors' tag corrections over the admin JSON API (behind the admin token and the CSRF
 * guard of admin.ts):
 *
 *   POST   /admin/api/speeches/:gid/paragraphs/:paragraph/tags        {"tag", "note"?}  adds
 *   DELETE /admin/api/speeches/:gid/paragraphs/:paragraph/tags/:tag   {"note"?}         removes
 *   GET    /admin/api/tag-corrections                                                   lists
 *
 * `paragraph` is the 1-based position in the speech or the paragraph's pid. Each request is
 * one transaction: an unknown gid or paragraph (404) or tag (400) changes nothing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import {
  CorrectionError,
  listCorrections,
  recordCorrection,
  type CorrectionRequest,
} from '../tag/correction-repository.js';
import type { CorrectionAction } from '../tag/corrections.js';
import { errorBody, parseOr400 } from './api/errors.js';

const note = z.string().trim().min(1).max(2000).optional();
const addBody = z.strictObject({ tag: z.string().min(1).max(100), note });
const removeBody = z.strictObject({ note }).optional();

interface Params {
  gid: string;
  paragraph: string;
  tag?: string;
}

export function registerTagCorrectionRoutes(
  app: FastifyInstance,
  db: Db,
  knownTags: () => readonly string[],
): void {
  const correct = async (
    reply: FastifyReply,
    p: Params,
    action: CorrectionAction,
    tag: string,
    text?: string,
  ) => {
    const req: CorrectionRequest = {
      gid: p.gid,
      paragraph: p.paragraph,
      changes: [{ action, tag }],
      note: text ?? null,
      origin: 'api',
      knownTags: knownTags(),
    };
    try {
      const [saved] = await db.transaction((tx) => recordCorrection(tx, req));
      return { correction: saved };
    } catch (err) {
      if (!(err instanceof CorrectionError)) throw err;
      const status = /^unknown tag|no tag/.test(err.message) ? 400 : 404;
      return reply.code(status).send(errorBody(status, err.message));
    }
  };
  app.post<{ Params: Params }>('/speeches/:gid/paragraphs/:paragraph/tags', async (req, reply) => {
    const body = parseOr400(addBody, req.body, 'body');
    return correct(reply, req.params, 'add', body.tag, body.note);
  });
  app.delete<{ Params: Params & { tag: string } }>(
    '/speeches/:gid/paragraphs/:paragraph/tags/:tag',
    async (req, reply) => {
      const body = parseOr400(removeBody, req.body ?? undefined, 'body');
      return correct(reply, req.params, 'remove', req.params.tag, body?.note);
    },
  );
  app.get('/tag-corrections', async () => ({ corrections: await listCorrections(db) }));
}
