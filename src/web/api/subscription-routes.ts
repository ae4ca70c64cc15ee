/**
 * POST /api/v1/subscriptions: a request for email alerts. Validated here; stored and
 * confirmed by the alerts service, which `start` always has; a read-only `serve` has none
 * and answers 501 (the request was well-formed, this server does not take alerts). The subscribe form posts here directly: a
 * browser without JavaScript gets the form back as HTML with the outcome; scripts get JSON.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import { fieldIssues, type FieldIssue } from '../../input/field-issues.js';
import { normalisePersonId, shortPersonId } from '../../parliament/index.js';
import { inputRefusal, refusalOf, refusalStatus, sendRefusal, type Refusal } from '../alerts/refusals.js';
import { renderSubscribePage, type SubscribeOutcome } from '../pages/subscribe-page.js';
import { personChoiceLabel, resolveSpeaker } from '../pages/speaker-choice.js';
import type { SubscriptionRequest, WebContext } from './context.js';
import { errorBody } from './errors.js';
import { NEEDS_CRITERIA, subscriptionBody, type SubscriptionInput } from './schemas.js';
import { BAD_REQUEST, doc, errorReply, jsonReply, TOO_MANY } from './openapi.js';

const NOT_AVAILABLE =
  'Email alerts are not available on this server yet. Your request was valid but has not been saved.';

function isForm(req: FastifyRequest): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/**
 * The form names its person (`speaker`, as the search page does); the API takes ids. A
 * name that fits one person becomes their id; none or several are said beside the field.
 */
async function personByName(
  ctx: WebContext,
  body: unknown,
): Promise<{ body: unknown; issues: FieldIssue[] }> {
  if (!body || typeof body !== 'object' || !('speaker' in body)) return { body, issues: [] };
  const { speaker, ...rest } = body as Record<string, unknown>;
  const typed = typeof speaker === 'string' ? speaker.trim() : '';
  if (!typed || 'person' in rest) return { body: rest, issues: [] };
  const choice = await resolveSpeaker(ctx.people, { speaker: typed });
  if (choice.kind === 'one')
    return { body: { ...rest, person: shortPersonId(choice.person.id) }, issues: [] };
  const message =
    choice.kind === 'several'
      ? `more than one person is called “${typed}”: ${choice.people.map(personChoiceLabel).join('; ')}. Choose one of them as shown`
      : `no MP or peer called “${typed}” is in the member data`;
  return { body: rest, issues: [{ field: 'speaker', message }] };
}

/** A form post from a browser wants a page back; everything else gets JSON. */
function wantsHtml(req: FastifyRequest): boolean {
  const type = req.headers['content-type'] ?? '';
  return (
    type.startsWith('application/x-www-form-urlencoded') && (req.headers.accept ?? '').includes('text/html')
  );
}

function toRequest(b: SubscriptionInput): SubscriptionRequest {
  return {
    email: b.email,
    query: b.q ?? null,
    tags: b.tag ?? [],
    personId: b.person ? normalisePersonId(b.person) : null,
    minConfidence: b.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    frequency: b.frequency,
  };
}

export function subscriptionRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post(
    '/subscriptions',
    doc({
      tag: 'Alerts',
      summary: "Ask for email alerts (the site's form posts here)",
      description:
        'Give at least one of q, tag or person. A browser posting the form (urlencoded, Accept: text/html) gets the form page back with the outcome.',
      body: subscriptionBody,
      bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
      responses: {
        202: jsonReply(
          'Accepted. The same answer (only a message) for every address, whether new, awaiting confirmation or already subscribed: what happens next is in the e-mail.',
          {
            message:
              'Thank you. If that address can receive alerts, an e-mail about this alert is on its way to it.',
          },
        ),
        400: BAD_REQUEST,
        429: TOO_MANY,
        501: errorReply('Alerts are not available on this server.'),
        503: errorReply('This server cannot send e-mail.'),
      },
    }),
    async (req, reply) => {
      const named = isForm(req) ? await personByName(ctx, req.body) : { body: req.body, issues: [] };
      const parsed = subscriptionBody.safeParse(named.body ?? {});
      if (named.issues.length > 0) {
        // The person was asked for, just not found: "give a person" would only repeat it.
        const others = parsed.success
          ? []
          : fieldIssues(parsed.error).filter((i) => i.message !== NEEDS_CRITERIA);
        return answer(req, reply, ctx, inputRefusal([...named.issues, ...others]));
      }
      if (!parsed.success) return answer(req, reply, ctx, inputRefusal(fieldIssues(parsed.error)));
      const service = ctx.options.subscriptions;
      if (!service)
        return answer(req, reply, ctx, { status: 501, message: NOT_AVAILABLE, values: parsed.data });
      let result;
      try {
        result = await service.subscribe(toRequest(parsed.data), { ip: req.ip });
      } catch (err) {
        const refusal = refusalOf(err);
        if (!refusal) throw err;
        return answer(req, reply, ctx, { ...refusal, values: parsed.data });
      }
      // Only the message: the same for every address, whatever its state (no id, status or time).
      return answer(req, reply, ctx, { status: 202, message: result.message, values: parsed.data });
    },
  );
}

/** Accepted (202), no alerts on this server (501), or the alert service's refusal. */
type Outcome =
  | { status: 202; message: string; values?: SubscriptionInput }
  | { status: 501; message: string; values?: SubscriptionInput }
  | (Refusal & { values?: SubscriptionInput });

async function answer(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: WebContext,
  o: Outcome,
): Promise<FastifyReply> {
  if (wantsHtml(req)) {
    if (o.status === 202 || o.status === 501) reply.code(o.status);
    else refusalStatus(reply, o);
    const outcome: SubscribeOutcome = {
      status: o.status,
      // The page lists bad fields beside the form; the summary line is for JSON.
      message: o.status === 400 ? null : o.message,
      issues: 'issues' in o ? (o.issues ?? []) : [],
    };
    const page = await renderSubscribePage(ctx, formValues(req.body), outcome);
    return reply.type('text/html; charset=utf-8').send(page);
  }
  if (o.status === 202) return reply.code(202).send({ message: o.message });
  if (o.status === 501) return reply.code(501).send(errorBody(501, o.message));
  return sendRefusal(reply, o);
}

/** What the person typed, to put back into the form (only string fields; anything else is dropped). */
function formValues(body: unknown): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}
