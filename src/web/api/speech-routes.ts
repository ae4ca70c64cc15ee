/**
 * GET /api/v1/speeches/{gid} and /api/v1/debates/{gid}. Gids contain slashes, so they are
 * taken from the rest of the path (raw or percent-encoded). An old gid of a revised file
 * answers 301 with the current one, so clients can update links they have stored.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { citation } from '../../export/citation.js';
import { twfyUrl } from '../../parliament/index.js';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import { speechTags, type Debate } from '../../search/debate-repository.js';
import { sanitizeFeedHtml } from '../pages/sanitize.js';
import { evidenceJson } from '../pages/tag-evidence.js';
import type { WebContext } from './context.js';
import { errorBody, parseOr400 } from './errors.js';
import { debatePageQuery, speechPageQuery } from './paging.js';
import { gidParam } from './schemas.js';
import { withCursor } from './search-routes.js';
import { BAD_REQUEST, doc, jsonReply, MOVED, NOT_FOUND, TOO_MANY } from './openapi.js';

export function gidFromPath(req: FastifyRequest): string {
  const params = req.params as Record<string, string | undefined>;
  return parseOr400(gidParam, params['*'] ?? '', 'path');
}

/** Location for a gid under a path prefix; gids keep their slashes. */
export function gidPath(prefix: string, gid: string): string {
  return `${prefix}/${encodeURI(gid)}`;
}

async function notFound(reply: FastifyReply, what: string, gid: string): Promise<FastifyReply> {
  return reply.code(404).send(errorBody(404, `No ${what} with gid ${gid}`));
}

export function speechRoutes(app: FastifyInstance, ctx: WebContext, prefix: string): void {
  app.get(
    '/speeches/*',
    doc({
      tag: 'API',
      summary: 'A speech with its paragraphs and tags',
      description:
        "A paragraph longer than 100,000 characters is cut (`truncated`, with its `fullLength`); a long speech is paged (`nextCursor`, `next`). `time` is `HH:MM` (24-hour) or null. `evidence` gives, per tag, the paragraph that earned it (its strongest, not necessarily the first), the words to highlight (UTF-16 offsets into that paragraph's `text`), the rule matches and classifier features, and the source (rule, classifier or editor).",
      params: { gid: gidParam },
      querystring: speechPageQuery,
      responses: {
        200: jsonReply('The speech.', {
          gid: 'uk.org.publicwhip/debate/2009-10-26b.1.2',
          speakerLabel: 'Andy Burnham (Labour, Leigh)',
          time: '14:31',
          paragraphs: [{ text: 'The NHS is our preferred provider.' }],
          tags: [{ tag: 'privatisation', confidence: 0.82 }],
          evidence: [
            {
              tag: 'privatisation',
              confidence: 0.82,
              method: 'keyword',
              source: 'rule',
              paragraph: { seq: 2, pid: 'uk.org.publicwhip/debate/2009-10-26b.1.2/3' },
              highlights: [{ start: 4, end: 17, text: 'privatisation' }],
              rules: [{ term: 'privatisation', start: 4, end: 17, ref: 'privatisation.core', weight: 0.9 }],
              features: [],
            },
          ],
          nextCursor: null,
          next: null,
        }),
        301: MOVED,
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: TOO_MANY,
      },
    }),
    async (req, reply) => {
      const gid = gidFromPath(req);
      const { minConfidence = DEFAULT_MIN_CONFIDENCE, cursor } = parseOr400(speechPageQuery, req.query);
      const current = await ctx.speeches.resolveGid(gid);
      if (!current) return notFound(reply, 'speech', gid);
      if (current !== gid) return reply.redirect(gidPath(`${prefix}/speeches`, current), 301);
      const [speech, tags, evidence] = await Promise.all([
        ctx.speeches.getPage(current, cursor ?? null),
        speechTags(ctx.options.db, current, minConfidence),
        ctx.evidence.forSpeeches([current], minConfidence),
      ]);
      if (!speech) return notFound(reply, 'speech', gid);
      const { requestedGid: _requested, paragraphs, nextCursor, ...rest } = speech;
      return {
        ...rest,
        twfyUrl: twfyUrl(speech.gid),
        citation: citation({
          type: speech.type,
          sitting_date: speech.sittingDate,
          colnum: speech.colnum,
          gid: speech.gid,
        }),
        tags: tags.speech,
        // Per tag: the paragraph that earned it, the words to highlight, the rule matches and classifier features.
        evidence: (evidence.get(current) ?? []).map(evidenceJson),
        paragraphs: paragraphs.map((p) => ({
          seq: p.seq,
          pid: p.pid,
          cls: p.cls,
          html: sanitizeFeedHtml(p.html),
          text: p.body,
          truncated: p.truncated,
          ...(p.fullLength === undefined ? {} : { fullLength: p.fullLength }),
          tags: tags.paragraphs
            .filter((t) => t.seq === p.seq)
            .map(({ tag, confidence, method, source }) => ({ tag, confidence, method, source })),
        })),
        // Long speeches come a window of paragraphs at a time (paragraph-window.ts).
        nextCursor: nextCursor === null ? null : String(nextCursor),
        next: nextCursor === null ? null : withCursor(req.url, String(nextCursor)),
      };
    },
  );

  app.get(
    '/debates/*',
    doc({
      tag: 'API',
      summary: 'A debate (heading) with its speeches; a speech gid redirects to its debate',
      description:
        'Paged by paragraphs (`nextCursor`, `next`); a speech split between parts is marked `continued` on the later one.',
      params: { gid: gidParam },
      querystring: debatePageQuery,
      responses: {
        200: jsonReply('The debate.', {
          gid: 'uk.org.publicwhip/debate/2009-10-26b.1.0',
          heading: 'NHS Services',
          speeches: [],
          nextCursor: null,
          next: null,
        }),
        301: MOVED,
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: TOO_MANY,
      },
    }),
    async (req, reply) => {
      const gid = gidFromPath(req);
      const { minConfidence = DEFAULT_MIN_CONFIDENCE, cursor } = parseOr400(debatePageQuery, req.query);
      const resolved = await ctx.debates.resolve(gid);
      if (!resolved) return notFound(reply, 'debate', gid);
      // A speech's gid leads to the debate it belongs to.
      const heading =
        resolved.kind === 'speech' ? await ctx.debates.headingOfSpeech(resolved.gid) : resolved.gid;
      if (!heading) return notFound(reply, 'debate', gid);
      if (heading !== gid) return reply.redirect(gidPath(`${prefix}/debates`, heading), 301);
      const debate = await ctx.debates.get(heading, minConfidence, { after: cursor ?? null });
      if (!debate) return notFound(reply, 'debate', gid);
      return {
        ...sanitizedDebate(debate),
        next: debate.nextCursor ? withCursor(req.url, debate.nextCursor) : null,
      };
    },
  );
}

function sanitizedDebate(debate: Debate): Debate {
  return {
    ...debate,
    speeches: debate.speeches.map((s) => ({
      ...s,
      paragraphs: s.paragraphs.map((p) => ({ ...p, html: sanitizeFeedHtml(p.html) })),
    })),
  };
}
