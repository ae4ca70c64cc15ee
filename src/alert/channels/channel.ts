/**
 * An alert channel: how an alert reaches its subscriber (e-mail, a webhook, a feed). One
 * file per channel in this folder, listed in registry.ts. A channel checks the request's
 * fields into the settings stored with the subscription (`channel_settings`, one JSON
 * object named by the API's fields), says where its messages go, and delivers alerts
 * and digests. Everything else (matching, the outbox, retries, digests, confirmation
 * and management mail) is the same for every channel and lives outside.
 */
import type { FieldIssue } from '../../input/field-issues.js';
import type { AlertLinks } from '../links.js';
import type { LinkSigner } from '../tokens.js';
import type { AlertItem, Subscription } from '../types.js';
import type { TargetPolicy } from '../webhook/target-policy.js';
import type { MailTransport } from '../transport/mail.js';
import type { WebhookSender } from '../transport/webhook-sender.js';

/** What a subscription stores for its channel: the API's field names (`email`, `url`) to strings. */
export type ChannelSettings = Readonly<Partial<Record<string, string>>>;

/** The fields of a subscribe request a channel may read. */
export interface ChannelRequest {
  email?: string | null | undefined;
  url?: string | null | undefined;
}

/** What channels check and send with, built once by `Alerts`. */
export interface ChannelServices {
  /** null when this server has no e-mail (neither SMTP_URL nor an outbox). */
  mail: MailTransport | null;
  webhooks: WebhookSender;
  policy: TargetPolicy;
  signer: LinkSigner;
  links: AlertLinks;
}

/** One alert (one speech) or digest (several), taken from the outbox. */
export interface ChannelMessage {
  /** The outbox id: the same on every retry, so a receiver can recognise a repeat. */
  id: string;
  kind: 'alert' | 'digest';
  subscription: Subscription;
  /** At least one. */
  items: AlertItem[];
  now: Date;
}

export interface AlertChannel {
  /** Stored in `alert_subscriptions.channel`; the API's `channel` field. */
  readonly name: string;
  /**
   * Who may create one. 'double-opt-in': anyone may ask, and nothing is matched until the
   * address confirms by e-mail (the address is its identity: see `channel_settings.email`).
   * 'api-key': an API-key holder or the operator; active at once.
   */
  readonly access: 'double-opt-in' | 'api-key';
  /**
   * The request's channel fields, checked, as the settings to store; each problem is
   * added to `issues` (the settings returned are then not used). May throw
   * AlertUnavailableError when the channel cannot work on this server.
   */
  settings(
    request: ChannelRequest,
    services: ChannelServices,
    issues: FieldIssue[],
  ): Promise<ChannelSettings>;
  /** Where its messages go, for people (`alerts list`, `alerts failures`); null when nothing is sent. */
  target(settings: ChannelSettings): string | null;
  /**
   * Sends one message. Resolves once the receiver accepted it; throws to have it retried
   * with backoff, or NothingToSend when there is nothing to send (not an error).
   */
  deliver(message: ChannelMessage, services: ChannelServices): Promise<void>;
  /** A secret handed to the creator once (webhooks: the key deliveries are signed with). */
  secret?(subscription: Subscription, services: ChannelServices): string;
}

/** Nothing left to send for this message (subscription confirmed meanwhile, a feed-only channel): marked sent, not retried. */
export class NothingToSend extends Error {
  override readonly name = 'NothingToSend';
}
