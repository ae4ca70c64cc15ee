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
  /** What surrounds the match (context-source.ts); absent in items frozen before #20. */
  context?: AlertContext;
  /** Divisions the followed MP voted in (a vote item: `type` is 'division', no excerpt). */
  division?: AlertDivision;
}

/** A speech quoted for context: its gid (null for a paragraph of the matched speech itself). */
export interface ContextSpeech {
  gid: string | null;
  speaker: string | null;
  text: string;
}

/** Why a tag was given, on the paragraph it was given on. */
export interface TagEvidence {
  tag: string;
  confidence: number;
  method: string;
  paragraphSeq: number;
  /** The paragraph (cut round its evidence when long) with evidence words between \u0001 and \u0002. */
  paragraph: string;
  /** Words the taxonomy's patterns matched. */
  rules: string[];
  /** Words that pushed the classifier's score up. */
  classifierTerms: string[];
  /** One sentence: why the tag was given. */
  why: string;
}

export interface AlertContext {
  kind: 'speech' | 'oral-answer' | 'written-answer' | 'written-question';
  /** The paragraph before the match (of the speech, else the previous speech in the debate). */
  before: ContextSpeech | null;
  after: ContextSpeech | null;
  /** The question a written answer, or an answer in question time, answers. */
  question: ContextSpeech | null;
  /** The answer a written question got. */
  answer: ContextSpeech | null;
  tagEvidence: TagEvidence[];
}

/** A division a followed MP voted in, as an MP alert shows it. */
export interface AlertDivision {
  /** Stable across versions of the day: house, date and number. */
  key: string;
  title: string;
  number: string | null;
  /** How the followed person voted: aye, no, content, tellaye, … as recorded. */
  vote: string;
  voter: string;
  /** Counts as the record states them, e.g. { ayes: 158, noes: 246 }. */
  counts: Record<string, number>;
  /** 'ayes' / 'noes' / 'tie' / null when the counts do not say. */
  result: string | null;
  /** The debate's tags (speech_tags of the debate's speeches), strongest first. */
  tags: string[];
}

export type MessageKind = 'alert' | 'digest' | 'confirm' | 'manage' | 'notice' | 'rollup';
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
