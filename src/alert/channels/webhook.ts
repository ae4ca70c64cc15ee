/**
 * The webhook channel: each alert or digest POSTed as JSON (render/webhook-payload.ts) to
 * the subscriber's URL, signed with a key derived from ALERT_SECRET and the
 * subscription (shown once, when it is created). The URL must pass the target policy
 * (webhook/target-policy.ts) when subscribing and again on every delivery. Needs an API
 * key (or the operator). Settings: `{ url }`.
 */
import type { FieldIssue } from '../../input/field-issues.js';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signBody,
  signTimestamped,
  TIMESTAMP_SIGNATURE_HEADER,
  webhookPayload,
} from '../render/webhook-payload.js';
import type { LinkSigner } from '../tokens.js';
import type { Subscription } from '../types.js';
import { TargetRefusedError, type TargetPolicy } from '../webhook/target-policy.js';
import { NothingToSend, type AlertChannel, type ChannelSettings } from './channel.js';

/** The key a webhook's deliveries are signed with: the one place it is derived. */
function signingKey(signer: LinkSigner, sub: Pick<Subscription, 'id' | 'secretNonce'>): string {
  return signer.derive('webhook', sub.id, sub.secretNonce);
}

async function checkUrl(
  raw: string | null | undefined,
  policy: TargetPolicy,
  issues: FieldIssue[],
): Promise<string | null> {
  const url = raw?.trim();
  if (!url) {
    issues.push({ field: 'url', message: 'is required for a webhook' });
    return null;
  }
  try {
    await policy.check(url);
    return url;
  } catch (err) {
    if (!(err instanceof TargetRefusedError)) throw err;
    issues.push({ field: 'url', message: `is not allowed: ${err.message}` });
    return null;
  }
}

export const webhookChannel: AlertChannel = {
  name: 'webhook',
  access: 'api-key',
  async settings(request, services, issues): Promise<ChannelSettings> {
    const url = await checkUrl(request.url, services.policy, issues);
    if (!url) return {};
    return { url };
  },
  target: (settings) => settings.url ?? null,
  secret: (sub, services) => signingKey(services.signer, sub),
  async deliver({ id, kind, subscription: sub, items, now }, services) {
    const url = sub.settings.url;
    if (!url) throw new NothingToSend('webhook subscription without a URL');
    const event = kind === 'digest' ? 'digest' : 'alert';
    const body = JSON.stringify(webhookPayload(id, event, sub, items, now, services.links));
    const key = signingKey(services.signer, sub);
    await services.webhooks.send({
      url,
      body,
      headers: {
        [TIMESTAMP_SIGNATURE_HEADER]: signTimestamped(key, body, now.getTime() / 1000),
        [SIGNATURE_HEADER]: signBody(key, body),
        [DELIVERY_HEADER]: id,
        [EVENT_HEADER]: event,
      },
    });
  },
};
