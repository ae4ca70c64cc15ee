/** The alert feature's records: subscriptions, what an alert shows, messages. */
import type { Criteria } from './match/types.js';

export const FREQUENCIES = ['immediate', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export type SubscriptionStatus = 'pending' | 'active' | 'paused';

export interface Subscription {
  id: string;
  /** A channel of the registry (src/alert/channels/registry.ts). */
  channel: string;
  /** What the channel needs, by the API's field names: `{ email }`, `{ url }`, `{}` (channel_settings). */
  settings: Readonly<Partial<Record<string, string>>>;
  apiKeyId: string | null;
  secretNonce: string;
  /** What the person typed; `criteria.query` holds Postgres's reading of it. */
  queryText: string | null;
  criteria: Criteria;
  frequency: Frequency;
  status: SubscriptionStatus;
  hasFeed: boolean;
  createdAt: string;
  confirmedAt: string | null;
}

/**
 * The address of an e-mail subscription: its identity (confirmation and management
 * links, the per-address limit); null for other channels.
 */
export function emailOf(sub: Pick<Subscription, 'settings'>): string | null {
  return sub.settings.email ?? null;
}

/** The site's subscribe form, as the form sends it (src/web/api/subscription-routes.ts). */
export interface SubscriptionRequest {
  email: string;
  query: string | null;
  tags: string[];
  personId: string | null;
  minConfidence: number;
  frequency: Frequency;
}

/**
 * The answer to a subscribe request: only a message, the same for every address whatever
 * its state (new, awaiting confirmation, subscribed), so that the form cannot be used to
 * learn who subscribes to what. No id, status or time.
 */
export interface SubscriptionResult {
  /** Shown to the person subscribing. */
  message: string;
}

export type NewSubscription = Omit<Subscription, 'hasFeed' | 'createdAt' | 'confirmedAt'>;

/** Why a speech matched, shown in the alert. */
export interface MatchReason {
  query: string | null;
  tags: { tag: string; confidence: number }[];
  person: string | null;
}

/** One matched speech as an alert shows it; frozen in the delivery log when matched. */
export interface AlertItem {
  gid: string;
  sittingDate: string;
  type: string;
  house: string | null;
  speakerName: string | null;
  /** The person's name on the date; absent in items frozen before it was kept. */
  personName?: string | null;
  party: string | null;
  constituency: string | null;
  time: string | null;
  colnum: string | null;
  majorHeading: string | null;
  minorHeading: string | null;
  /** Heading gid the speech sits under: digests group by it. */
  debateGid: string | null;
  twfyUrl: string | null;
  hansardUrl: string | null;
  /** Paragraph the excerpt is from. */
  paragraphSeq: number | null;
  /** Plain text with matched words between \u0001 and \u0002 (src/search/highlight.ts). */
  excerpt: string;
  reason: MatchReason;
}

export type MessageKind = 'alert' | 'digest' | 'confirm' | 'manage' | 'notice';
export type MessageStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

/** A message taken from the outbox to send, with everything needed to render it. */
export interface OutboxMessage {
  id: string;
  kind: MessageKind;
  attempts: number;
  recipient: string | null;
  digestKey: string | null;
  subscription: Subscription | null;
  items: AlertItem[];
}
