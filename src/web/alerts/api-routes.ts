/**
 * /api/v1/alerts: create alert subscriptions of any channel, and (with an API key) list
 * and manage one's webhook and feed subscriptions. E-mail subscriptions need no key but
 * are double opt-in and rate-limited, and get the same 202 whatever the address's state;
 * the key is `Authorization: Bearer hwk_…`, issued with `hansard-watch alerts key create <label>`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AlertInputError } from '../../alert/errors.js';
import { describeSubscription } from '../../alert/render/describe.js';
import {
  MAX_LIST_VALUES,
  SUBSCRIBE_ANSWER,
  type AlertSubscriptionService,
  type ManageAction,
} from '../../alert/subscription-service.js';
import { CHANNELS } from '../../alert/channels/registry.js';
import { FREQUENCIES, type Subscription } from '../../alert/types.js';
import { BAD_REQUEST, doc, errorReply, jsonReply, NOT_FOUND, TOO_MANY } from '../api/openapi.js';

const UNAUTHORIZED = errorReply('No valid API key.', {
  error: 'Unauthorized',
  message: 'Send an API key: Authorization: Bearer hwk_…',
});
const ACTED = (summary: string, ok: Record<number, Record<string, unknown>>) =>
  doc({
    tag: 'Alerts',
    summary,
    apiKey: true,
    params: { id: z.string() },
    responses: {
      ...ok,
      401: UNAUTHORIZED,
      404: NOT_FOUND,
      409: errorReply('Not possible in its current state.'),
    },
  });

/** Repeated or comma-separated values; at most MAX_LIST_VALUES, refused before any lookup. */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((v) => v.length <= MAX_LIST_VALUES, `at most ${MAX_LIST_VALUES} values`)
  .optional();

const createBody = z.strictObject({
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).default('email'),
  email: z.string().max(320, 'must be at most 320 characters').optional(),
  url: z.string().max(2000, 'must be at most 2000 characters').optional(),
  q: z.string().max(1000, 'must be at most 1000 characters').optional(),
  tag: list,
  person: list,
  house: list,
  type: list,
  minConfidence: z
    .union([z.number(), z.string().trim()])
    .transform((v) => (v === '' ? undefined : Number(v)))
    .optional(),
  frequency: z.enum(FREQUENCIES, { error: `must be one of ${FREQUENCIES.join(', ')}` }).optional(),
});

/** The JSON shape of a subscription (no secrets). */
export function subscriptionJson(s: Subscription) {
  return {
    id: s.id,
    channel: s.channel,
    status: s.status,
    description: describeSubscription(s),
    email: s.settings.email ?? null,
    url: s.settings.url ?? null,
    q: s.queryText,
    tsquery: s.criteria.query,
    tags: s.criteria.tags,
    minConfidence: s.criteria.minConfidence,
    persons: s.criteria.personIds,
    houses: s.criteria.houses,
    types: s.criteria.types,
    frequency: s.frequency,
    createdAt: s.createdAt,
    confirmedAt: s.confirmedAt,
  };
}

async function apiKeyOf(req: FastifyRequest, service: AlertSubscriptionService): Promise<string | null> {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  return m ? service.authenticate(m[1]!) : null;
}

async function requireKey(
  req: FastifyRequest,
  reply: FastifyReply,
  service: AlertSubscriptionService,
): Promise<string | null> {
  const key = await apiKeyOf(req, service);
  if (!key) {
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'Unauthorized', message: 'Send an API key: Authorization: Bearer hwk_…' });
    return null;
  }
  return key;
}

export function alertApiRoutes(app: FastifyInstance, service: AlertSubscriptionService): void {
  app.post(
    '/',
    doc({
      tag: 'Alerts',
      summary: 'Create an alert: e-mail (public, double opt-in), webhook or feed (API key)',
      description:
        "E-mail requests get 202 and the same message whatever the address's state; the link to confirm comes by e-mail. Webhook and feed subscriptions need `Authorization: Bearer hwk_…` and answer with the subscription, its feed URL and (webhooks) the signing secret, shown once.",
      body: createBody,
      responses: {
        200: jsonReply('The same subscription existed already.'),
        201: jsonReply('Created and active.', {
          id: 'al_3kf9',
          channel: 'webhook',
          status: 'active',
          url: 'https://example.org/hook',
          tags: ['privatisation'],
          feedUrl: 'https://hansard.example.org/alerts/feed/…',
          webhookSecret: 'whs_…',
          message: 'Subscription created and active.',
        }),
        202: jsonReply('E-mail: accepted; what happens next is in the e-mail.', {
          message: SUBSCRIBE_ANSWER,
        }),
        400: BAD_REQUEST,
        401: UNAUTHORIZED,
        429: TOO_MANY,
        503: errorReply('This server cannot send e-mail.'),
      },
    }),
    async (req, reply) => {
      const parsed = createBody.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new AlertInputError(
          parsed.error.issues.flatMap((i) =>
            i.code === 'unrecognized_keys'
              ? i.keys.map((k) => ({ field: k, message: 'is not a known field' }))
              : [{ field: i.path.join('.') || '(body)', message: i.message }],
          ),
        );
      const b = parsed.data;
      const apiKeyId = req.headers.authorization ? await requireKey(req, reply, service) : undefined;
      if (apiKeyId === null) return reply;
      const input = {
        email: b.email,
        url: b.url,
        q: b.q,
        tags: b.tag,
        persons: b.person,
        houses: b.house,
        types: b.type,
        minConfidence: b.minConfidence,
        frequency: b.frequency,
      };
      if (b.channel === 'email') {
        // One answer for every address, whatever it has: see requestEmail.
        await service.requestEmail(input, { ip: req.ip, apiKeyId });
        return reply.code(202).send({ message: SUBSCRIBE_ANSWER });
      }
      const out = await service.create({ ...input, channel: b.channel }, { ip: req.ip, apiKeyId });
      return reply.code(out.created ? 201 : 200).send({
        ...subscriptionJson(out.subscription),
        message: out.message,
        ...(out.feedUrl ? { feedUrl: out.feedUrl } : {}),
        ...(out.webhookSecret ? { webhookSecret: out.webhookSecret } : {}),
      });
    },
  );

  app.get(
    '/',
    doc({
      tag: 'Alerts',
      summary: 'The alerts of this API key',
      apiKey: true,
      responses: {
        200: jsonReply('The subscriptions.', {
          results: [
            {
              id: 'al_3kf9',
              channel: 'feed',
              status: 'active',
              description: 'Speeches tagged Privatisation',
            },
          ],
        }),
        401: UNAUTHORIZED,
      },
    }),
    async (req, reply) => {
      const key = await requireKey(req, reply, service);
      if (!key) return reply;
      return { results: (await service.ownedBy(key)).map(subscriptionJson) };
    },
  );

  app.get(
    '/:id',
    doc({
      tag: 'Alerts',
      summary: 'One alert of this API key',
      apiKey: true,
      params: { id: z.string() },
      responses: {
        200: jsonReply('The subscription.', { id: 'al_3kf9', channel: 'feed', status: 'active' }),
        401: UNAUTHORIZED,
        404: NOT_FOUND,
      },
    }),
    async (req, reply) => {
      const key = await requireKey(req, reply, service);
      if (!key) return reply;
      const sub = await service.ownedSubscription(key, (req.params as { id: string }).id);
      if (!sub)
        return reply.code(404).send({ error: 'Not Found', message: 'No such subscription for this key.' });
      return subscriptionJson(sub);
    },
  );

  const action = (name: ManageAction) => async (req: FastifyRequest, reply: FastifyReply) => {
    const key = await requireKey(req, reply, service);
    if (!key) return reply;
    const out = await service.ownerAction(key, (req.params as { id: string }).id, name);
    if (!out)
      return reply.code(404).send({ error: 'Not Found', message: 'No such subscription for this key.' });
    if (!out.ok)
      return reply.code(409).send({ error: 'Conflict', message: `Cannot ${name} it in its current state.` });
    return name === 'delete'
      ? reply.code(204).send()
      : { ok: true, ...(out.feedUrl ? { feedUrl: out.feedUrl } : {}) };
  };
  app.delete('/:id', ACTED('Delete an alert', { 204: { description: 'Deleted.' } }), action('delete'));
  app.post(
    '/:id/pause',
    ACTED('Pause an alert', { 200: jsonReply('Paused.', { ok: true }) }),
    action('pause'),
  );
  app.post(
    '/:id/resume',
    ACTED('Resume an alert', { 200: jsonReply('Resumed.', { ok: true }) }),
    action('resume'),
  );
  app.post(
    '/:id/feed',
    ACTED('A new feed address (the old one stops working)', {
      200: jsonReply('The new address.', { ok: true, feedUrl: 'https://hansard.example.org/alerts/feed/…' }),
    }),
    action('feed'),
  );
}
