/** The JSON a webhook receives, and its signature. */
import { createHmac } from 'node:crypto';
import { excerptHtml, excerptText } from '../../search/highlight.js';
import type { AlertLinks } from '../links.js';
import type { AlertContext, AlertItem, Subscription, TagEvidence } from '../types.js';
import { describeSubscription, speakerOf } from './describe.js';
import { safeWebUrl } from './safe-url.js';

/** Legacy: the body alone, no timestamp, so a captured delivery can be replayed. Kept for existing receivers. */
export const SIGNATURE_HEADER = 'x-hansard-watch-signature';
/** `t=<unix seconds>,v1=<hex>`: what receivers should check (docs/alerts.md has the code). */
export const TIMESTAMP_SIGNATURE_HEADER = 'hansard-watch-signature';
export const DELIVERY_HEADER = 'x-hansard-watch-delivery';
export const EVENT_HEADER = 'x-hansard-watch-event';

/** Tag evidence as a receiver gets it: the paragraph plain and as HTML with the words in <mark>. */
export interface WebhookTagEvidence extends Omit<TagEvidence, 'paragraph'> {
  paragraph: string;
  paragraphHtml: string;
}

export interface WebhookContext extends Omit<AlertContext, 'tagEvidence'> {
  tagEvidence: WebhookTagEvidence[];
}

export interface WebhookSpeech extends Omit<AlertItem, 'excerpt' | 'context'> {
  /** This site's page for the speech (redirects to its place in its debate); null for a division. */
  siteUrl: string | null;
  /** What surrounds the match; null in items matched before context was kept. */
  context: WebhookContext | null;
  /** `Name (Party, Seat)` at the date, with the office first where Hansard printed one. */
  speakerLabel: string;
  /** Plain text. */
  excerpt: string;
  /** HTML-escaped, matched words in <mark>. */
  excerptHtml: string;
}

export interface WebhookPayload {
  event: 'alert' | 'digest';
  /** Same on every retry of this message: receivers can use it to drop a repeat. */
  deliveryId: string;
  subscription: { id: string; description: string; frequency: string };
  sentAt: string;
  speeches: WebhookSpeech[];
}

export function webhookPayload(
  messageId: string,
  event: 'alert' | 'digest',
  sub: Subscription,
  items: readonly AlertItem[],
  now: Date,
  links: Pick<AlertLinks, 'speech'>,
): WebhookPayload {
  return {
    event,
    deliveryId: messageId,
    subscription: { id: sub.id, description: describeSubscription(sub), frequency: sub.frequency },
    sentAt: now.toISOString(),
    speeches: items.map(({ context, ...i }) => ({
      ...i,
      siteUrl: i.division ? null : links.speech(i.gid),
      context: context ? webhookContext(context) : null,
      speakerLabel: speakerOf(i),
      twfyUrl: safeWebUrl(i.twfyUrl),
      hansardUrl: safeWebUrl(i.hansardUrl),
      excerpt: excerptText(i.excerpt),
      excerptHtml: excerptHtml(i.excerpt),
    })),
  };
}

function webhookContext(c: AlertContext): WebhookContext {
  return {
    ...c,
    tagEvidence: c.tagEvidence.map((e) => ({
      ...e,
      paragraph: excerptText(e.paragraph),
      paragraphHtml: excerptHtml(e.paragraph),
    })),
  };
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, as GitHub signs its webhooks. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, Stripe's scheme: the timestamp
 * is signed with the body, so a receiver that refuses old timestamps refuses replays.
 * Made afresh on every attempt, so a retry an hour later still passes a short window.
 */
export function signTimestamped(secret: string, body: string, unixSeconds: number): string {
  const t = String(Math.floor(unixSeconds));
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
