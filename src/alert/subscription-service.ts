/**
 * Creating and managing subscriptions: validation (every problem named by field, nothing
 * stored on any of them), double opt-in for e-mail, API keys for webhook and feed owners,
 * signed links for confirming, unsubscribing and managing without an account, and the
 * rate limits on subscribing.
 *
 * Rate limits are token buckets per client IP and per e-mail address, kept in the
 * database (rate-buckets.ts) so that every process serving the endpoint shares them,
 * and a cap on confirmation e-mails per hour across the whole server.
 *
 * A public request for e-mail alerts (`requestEmail`) gets one answer whatever the
 * address's state — new, awaiting confirmation, already subscribed, or over its limit —
 * so that the endpoint cannot tell anyone which addresses have which alerts. What differs
 * goes only into the mail: a confirmation link, the same link again, or a note that the
 * alert exists already.
 */
import { FEED_TYPES, HOUSES, normalisePersonId } from '../parliament/index.js';
import type { Logger } from '../log.js';
import type { FieldIssue } from '../input/field-issues.js';
import { sha256Hex } from '../store/checksum.js';
import { DEFAULT_MIN_CONFIDENCE } from '../tag/types.js';
import { AlertInputError, AlertRateLimitError, AlertUnavailableError } from './errors.js';
import type { AlertLinks } from './links.js';
import { clientKey, type BucketLimit, type RateBuckets } from './rate-buckets.js';
import { querySyntaxProblem, queryMeaningProblem } from './query/syntax.js';
import { parseTsQuery, TsQueryParseError, type QueryNode } from './query/tsquery.js';
import type { Criteria } from './match/types.js';
import { DeliveryRepository } from './delivery-repository.js';
import { SubscriptionRepository } from './subscription-repository.js';
import { newId, randomToken } from './tokens.js';
import type { AlertChannel } from './channels/channel.js';
import { checkEmail } from './channels/email.js';
import type { ChannelRegistry } from './channels/registry.js';
import {
  emailOf,
  FREQUENCIES,
  type Frequency,
  type Subscription,
  type SubscriptionRequest,
  type SubscriptionResult,
} from './types.js';

export interface SubscribeInput {
  /** A channel of the registry (src/alert/channels/registry.ts). */
  channel: string;
  email?: string | null | undefined;
  url?: string | null | undefined;
  q?: string | null | undefined;
  tags?: readonly string[] | undefined;
  persons?: readonly string[] | undefined;
  houses?: readonly string[] | undefined;
  types?: readonly string[] | undefined;
  minConfidence?: number | undefined;
  frequency?: Frequency | undefined;
}

export interface RequestMeta {
  /** Client address, for the per-IP limit. */
  ip?: string | undefined;
  /** Authenticated API key (required for webhook and feed subscriptions). */
  apiKeyId?: string | undefined;
  /**
   * The operator, from the CLI: may create any channel without a key, is not rate-limited,
   * and may vouch that an address has already consented (`confirmed`: no opt-in e-mail).
   */
  operator?: { confirmed: boolean } | undefined;
}

export interface SubscribeOutcome {
  subscription: Subscription;
  /** false when an identical subscription already existed and was returned instead. */
  created: boolean;
  /** Webhook and feed subscriptions get their feed URL at once; e-mail ones on confirming. */
  feedUrl: string | null;
  /** Webhooks: the key their signatures are made with (shown once; derivable again only by this server). */
  webhookSecret: string | null;
  message: string;
}

export type ConfirmOutcome =
  | { status: 'confirmed'; subscription: Subscription; feedUrl: string }
  | { status: 'already'; subscription: Subscription }
  | { status: 'invalid' };

export type ManageAction = 'pause' | 'resume' | 'delete' | 'feed';

/** A request that passed every check: a subscription but for its identity and state. */
type ValidSubscription = Omit<
  Subscription,
  'id' | 'secretNonce' | 'status' | 'hasFeed' | 'createdAt' | 'confirmedAt'
>;

export interface SubscriptionServiceOptions {
  subscriptions: SubscriptionRepository;
  deliveries: DeliveryRepository;
  links: AlertLinks;
  channels: ChannelRegistry;
  /** E-mail channel available (SMTP configured). */
  emailEnabled: boolean;
  rateLimits: { perIpPerHour: number; perAddressPerDay: number; confirmMailsPerHour: number };
  buckets: RateBuckets;
  /** Where the hourly mail cap being reached is reported. */
  log?: Logger;
  /** Tag ids subscriptions may use; undefined accepts any well-formed id. */
  knownTags?: () => Promise<readonly string[]> | readonly string[];
  /** Something was queued for sending (wake the dispatcher). */
  onQueued?: () => void;
  now?: () => Date;
}

/**
 * The one answer to every accepted request for e-mail alerts. It names neither the
 * address nor the outcome, so that it is the same for every address in every state.
 */
export const SUBSCRIBE_ANSWER =
  'Thank you. If that address can receive alerts, an e-mail about this alert is on its way to it. New alerts start only once the link in that e-mail is followed.';

/** Lists a request may carry; more is refused before anything is looked up. */
export const MAX_LIST_VALUES = 50;
/** People and tags a subscription may follow. */
const MAX_PERSONS = 20;
const MAX_TAGS = 20;

const MAIL_WINDOW_SECONDS = 3600;

const TAG_ID = /^[a-z][a-z0-9_-]{0,63}$/;

export class AlertSubscriptionService {
  private readonly perIp: BucketLimit;
  private readonly perAddress: BucketLimit;
  private capReportedFor = -1;

  constructor(private readonly o: SubscriptionServiceOptions) {
    const { perIpPerHour, perAddressPerDay } = o.rateLimits;
    this.perIp = { burst: perIpPerHour, perSecond: perIpPerHour / 3600 };
    this.perAddress = { burst: perAddressPerDay, perSecond: perAddressPerDay / 86_400 };
  }

  /** The web form's entry point (src/web/api/subscription-routes.ts): e-mail alerts. */
  async subscribe(request: SubscriptionRequest, meta: RequestMeta = {}): Promise<SubscriptionResult> {
    await this.requestEmail(
      {
        email: request.email,
        q: request.query,
        tags: request.tags,
        persons: request.personId ? [request.personId] : [],
        minConfidence: request.minConfidence,
        frequency: request.frequency,
      },
      meta,
    );
    return { message: SUBSCRIBE_ANSWER };
  }

  /**
   * A public request for e-mail alerts (the web form, `POST /api/v1/alerts` with channel
   * email). Throws only for what does not depend on the address's state: the client's
   * rate limit (AlertRateLimitError), bad input (AlertInputError), no SMTP
   * (AlertUnavailableError). Otherwise the caller answers SUBSCRIBE_ANSWER, and this
   * decides what, if anything, is mailed.
   */
  async requestEmail(input: Omit<SubscribeInput, 'channel'>, meta: RequestMeta = {}): Promise<void> {
    await this.limit(
      'ip',
      this.perIp,
      meta.ip === undefined ? undefined : clientKey(meta.ip),
      'Too many subscription requests from your address.',
    );
    const valid = await this.validate({ ...input, channel: 'email' }, meta);
    // Silent, unlike the IP limit: a 429 here would tell the requester about the address.
    if (await this.exhausted('address', this.perAddress, emailOf(valid) ?? '')) {
      this.o.log?.info({ limit: 'per address' }, 'subscribe request over its limit: no e-mail sent');
      return;
    }
    const existing = await this.findSame(valid);
    if (!(await this.mailBudget())) return;
    if (!existing) {
      const sub = this.newSubscription(valid, 'pending');
      await this.o.subscriptions.insert([sub]);
      await this.o.deliveries.queueConfirmation(sub.id);
    } else if (existing.status === 'pending') await this.o.deliveries.queueConfirmation(existing.id);
    else await this.o.deliveries.queueNotice(existing.id);
    this.o.onQueued?.();
  }

  private newSubscription(valid: ValidSubscription, status: Subscription['status']): Subscription {
    return {
      ...valid,
      id: newId('al'),
      secretNonce: randomToken(9),
      status,
      hasFeed: false,
      createdAt: (this.o.now?.() ?? new Date()).toISOString(),
      confirmedAt: null,
    };
  }

  /**
   * One e-mail of the hourly cap (ALERT_CONFIRM_MAILS_PER_HOUR, counted in the database
   * across processes); false once it is spent, reported once per hour per process.
   */
  private async mailBudget(): Promise<boolean> {
    const cap = this.o.rateLimits.confirmMailsPerHour;
    if (await this.o.buckets.takeInWindow('alerts:confirm-mails', cap, MAIL_WINDOW_SECONDS)) return true;
    const hour = Math.floor(Date.now() / (MAIL_WINDOW_SECONDS * 1000));
    if (this.capReportedFor !== hour) {
      this.capReportedFor = hour;
      this.o.log?.error(
        { cap, setting: 'ALERT_CONFIRM_MAILS_PER_HOUR' },
        'hourly cap on confirmation e-mails reached: subscribe requests are still answered 202, but no e-mail is sent until the hour is over',
      );
    } else this.o.log?.debug({ cap }, 'confirmation e-mail not sent: hourly cap reached');
    return false;
  }

  /**
   * Subscriptions made by the operator (CLI, any channel) and by API-key holders (webhook
   * and feed). A public request for e-mail alerts goes through requestEmail instead.
   */
  async create(input: SubscribeInput, meta: RequestMeta = {}): Promise<SubscribeOutcome> {
    if (this.o.channels.get(input.channel)?.access === 'double-opt-in' && !meta.operator)
      throw new Error('public e-mail subscriptions go through requestEmail (one answer for every address)');
    const valid = await this.validate(input, meta);
    const optIn = this.o.channels.get(valid.channel)?.access === 'double-opt-in';
    if (optIn) {
      const existing = await this.findSame(valid);
      if (existing)
        return {
          subscription: existing,
          created: false,
          feedUrl: null,
          webhookSecret: null,
          message: 'Already subscribed.',
        };
    }
    const sub = this.newSubscription(valid, optIn && !meta.operator?.confirmed ? 'pending' : 'active');
    await this.o.subscriptions.insert([sub]);
    if (sub.status === 'pending') {
      await this.o.deliveries.queueConfirmation(sub.id);
      this.o.onQueued?.();
      return {
        subscription: sub,
        created: true,
        feedUrl: null,
        webhookSecret: null,
        message: `A confirmation link is on its way to ${emailOf(sub)}. Nothing will be sent until it is followed.`,
      };
    }
    const feedUrl = await this.newFeedUrl(sub.id);
    const webhookSecret = this.o.channels.secret(sub);
    return {
      subscription: { ...sub, hasFeed: true },
      created: true,
      feedUrl,
      webhookSecret,
      message: 'Subscription created and active.',
    };
  }

  private async limit(
    scope: 'ip' | 'address',
    limit: BucketLimit,
    key: string | undefined,
    message: string,
  ): Promise<void> {
    if (key === undefined) return;
    const wait = await this.o.buckets.take(`alerts:${scope}:${key}`, limit);
    if (wait > 0) throw new AlertRateLimitError(message, Math.ceil(wait / 1000));
  }

  /** Takes a token; true when there was none left. */
  private async exhausted(scope: 'address', limit: BucketLimit, key: string): Promise<boolean> {
    return (await this.o.buckets.take(`alerts:${scope}:${key}`, limit)) > 0;
  }

  private async findSame(sub: ValidSubscription): Promise<Subscription | null> {
    const key = criteriaKey(sub.criteria, sub.frequency);
    return (
      (await this.o.subscriptions.byEmail(emailOf(sub) ?? '')).find(
        (s) => criteriaKey(s.criteria, s.frequency) === key,
      ) ?? null
    );
  }

  /** Every check; throws AlertInputError listing all the problems found. */
  private async validate(input: SubscribeInput, meta: RequestMeta): Promise<ValidSubscription> {
    const issues: FieldIssue[] = [];
    for (const field of ['tags', 'persons', 'houses', 'types'] as const)
      if ((input[field]?.length ?? 0) > MAX_LIST_VALUES)
        issues.push({ field: field.replace(/s$/, ''), message: `at most ${MAX_LIST_VALUES} values` });
    if (issues.length > 0) throw new AlertInputError(issues);
    const channel = this.checkChannel(input, meta, issues);
    const settings = channel ? await this.o.channels.settings(channel, input, issues) : {};
    const tags = await this.checkTags(input.tags ?? [], issues);
    const persons = await this.checkPersons(input.persons ?? [], issues);
    const houses = checkEnum(input.houses ?? [], HOUSES, 'house', issues);
    const types = checkEnum(input.types ?? [], FEED_TYPES, 'type', issues);
    const minConfidence = checkConfidence(input.minConfidence, issues);
    const frequency = checkEnum(
      [input.frequency ?? 'immediate'],
      FREQUENCIES,
      'frequency',
      issues,
    )[0] as Frequency;
    const hasOther = tags.length > 0 || persons.length > 0;
    const query = await this.checkQuery(input.q ?? null, hasOther, issues);
    if (!input.q?.trim() && !hasOther)
      issues.push({ field: 'q', message: 'give words to search for, a tag or a person to follow' });
    if (issues.length > 0) throw new AlertInputError(issues);
    return {
      channel: channel!.name,
      settings,
      apiKeyId: channel!.access === 'double-opt-in' ? null : (meta.apiKeyId ?? null),
      queryText: input.q?.trim() || null,
      criteria: { query, tags, minConfidence, personIds: persons, houses, types },
      frequency,
    };
  }

  /** The request's channel, and whether this caller may create one; null (with an issue) for no such channel. */
  private checkChannel(input: SubscribeInput, meta: RequestMeta, issues: FieldIssue[]): AlertChannel | null {
    const channel = this.o.channels.get(input.channel);
    if (!channel) {
      issues.push({ field: 'channel', message: `must be one of ${this.o.channels.names().join(', ')}` });
      return null;
    }
    if (channel.access === 'api-key' && !meta.apiKeyId && !meta.operator)
      issues.push({
        field: 'channel',
        message: `${input.channel} subscriptions need an API key (Authorization: Bearer <key>)`,
      });
    return channel;
  }

  private async checkTags(tags: readonly string[], issues: FieldIssue[]): Promise<string[]> {
    const unique = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
    if (unique.length > MAX_TAGS) {
      issues.push({ field: 'tag', message: `at most ${MAX_TAGS} tags` });
      return [];
    }
    const malformed = unique.filter((t) => !TAG_ID.test(t));
    if (malformed.length > 0)
      issues.push({
        field: 'tag',
        message: `must be tag ids like privatisation or outsourcing (not ${malformed.join(', ')})`,
      });
    // An empty catalogue (taxonomy not loaded) checks nothing rather than refusing every tag.
    const known = this.o.knownTags ? await this.o.knownTags() : null;
    if (known?.length === 0) return unique.sort();
    const unknown = known ? unique.filter((t) => TAG_ID.test(t) && !known.includes(t)) : [];
    if (unknown.length > 0)
      issues.push({
        field: 'tag',
        message: `unknown tag${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known!.join(', ')}`,
      });
    return unique.sort();
  }

  /** The people, looked up in one query; too many is refused before any lookup. */
  private async checkPersons(persons: readonly string[], issues: FieldIssue[]): Promise<string[]> {
    const unique = [...new Set(persons.map((p) => p.trim()).filter(Boolean))];
    if (unique.length > MAX_PERSONS) {
      issues.push({ field: 'person', message: `at most ${MAX_PERSONS} people` });
      return [];
    }
    const ids = new Map<string, string>();
    for (const raw of unique) {
      const id = normalisePersonId(raw);
      if (id) ids.set(raw, id);
      else
        issues.push({
          field: 'person',
          message: `must be a person id like 10586 or uk.org.publicwhip/person/10586 (not ${raw})`,
        });
    }
    const known = await this.o.subscriptions.existingPersons([...new Set(ids.values())]);
    const unknown = [...ids].filter(([, id]) => !known.has(id)).map(([raw]) => raw);
    if (unknown.length > 0)
      issues.push({
        field: 'person',
        message: `no MP or peer has the id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
      });
    return [...new Set([...ids.values()].filter((id) => known.has(id)))].sort();
  }

  /** The query as Postgres reads it (tsquery text), after the syntax checks; null for none. */
  private async checkQuery(
    raw: string | null,
    hasOther: boolean,
    issues: FieldIssue[],
  ): Promise<string | null> {
    const text = raw?.trim() ?? '';
    if (text === '') return null;
    const syntax = querySyntaxProblem(text);
    if (syntax) {
      issues.push({ field: 'q', message: syntax });
      return null;
    }
    const [normalised = ''] = await this.o.subscriptions.normaliseQueries([text]);
    let node: QueryNode | null;
    try {
      node = parseTsQuery(normalised);
    } catch (err) {
      if (!(err instanceof TsQueryParseError)) throw err;
      issues.push({ field: 'q', message: 'could not be understood' });
      return null;
    }
    const meaning = queryMeaningProblem(node, hasOther);
    if (meaning) issues.push({ field: 'q', message: meaning });
    return normalised || null;
  }

  /** Confirms an e-mail subscription from its signed link, and hands out its feed URL. */
  async confirm(token: string): Promise<ConfirmOutcome> {
    const id = this.o.links.signer.verify('confirm', token, this.o.now?.());
    const sub = id ? await this.o.subscriptions.get(id) : null;
    if (!sub) return { status: 'invalid' };
    if (!(await this.o.subscriptions.confirm(sub.id))) return { status: 'already', subscription: sub };
    const feedUrl = await this.newFeedUrl(sub.id);
    return { status: 'confirmed', subscription: { ...sub, status: 'active', hasFeed: true }, feedUrl };
  }

  /** The subscription a valid confirm link names (shown before the confirm button). */
  async peekConfirm(token: string): Promise<Subscription | null> {
    const id = this.o.links.signer.verify('confirm', token, this.o.now?.());
    return id ? this.o.subscriptions.get(id) : null;
  }

  /** Deletes the subscription named by a signed unsubscribe link; null when the link is not genuine. */
  async unsubscribe(token: string): Promise<{ removed: boolean; subscription: Subscription | null } | null> {
    const id = this.o.links.signer.verify('unsubscribe', token);
    if (!id) return null;
    const sub = await this.o.subscriptions.get(id);
    return { removed: await this.o.subscriptions.delete(id), subscription: sub };
  }

  /** The subscription a signed unsubscribe link names (to show before unsubscribing). */
  async peekUnsubscribe(token: string): Promise<Subscription | null | 'invalid'> {
    const id = this.o.links.signer.verify('unsubscribe', token);
    return id ? this.o.subscriptions.get(id) : 'invalid';
  }

  /** Queues a management link to `email`. Answers the same whether or not it has alerts. */
  async requestManageLink(rawEmail: string, meta: RequestMeta = {}): Promise<void> {
    await this.limit(
      'ip',
      this.perIp,
      meta.ip === undefined ? undefined : clientKey(meta.ip),
      'Too many requests from your address.',
    );
    const issues: FieldIssue[] = [];
    const email = checkEmail(rawEmail, issues);
    if (!email) throw new AlertInputError(issues);
    if (!this.o.emailEnabled)
      throw new AlertUnavailableError('E-mail is not available: this server has no SMTP_URL configured.');
    await this.limit('address', this.perAddress, email, `Too many requests for ${email}.`);
    await this.o.deliveries.queueManageLink(email);
    this.o.onQueued?.();
  }

  /** The address a management link is for, and its subscriptions; null for a bad or expired link. */
  async manage(token: string): Promise<{ email: string; subscriptions: Subscription[] } | null> {
    const email = this.o.links.signer.verify('manage', token, this.o.now?.());
    if (!email) return null;
    return { email, subscriptions: await this.o.subscriptions.byEmail(email) };
  }

  /** Applies an action from the management page; returns a new feed URL for 'feed'. */
  async manageAction(
    token: string,
    id: string,
    action: ManageAction,
  ): Promise<{ ok: boolean; feedUrl?: string }> {
    const email = this.o.links.signer.verify('manage', token, this.o.now?.());
    const sub = email ? await this.o.subscriptions.get(id) : null;
    if (!sub || emailOf(sub) !== email) return { ok: false };
    return this.apply(sub, action);
  }

  private async apply(sub: Subscription, action: ManageAction): Promise<{ ok: boolean; feedUrl?: string }> {
    switch (action) {
      case 'pause':
        return { ok: await this.o.subscriptions.setPaused(sub.id, true) };
      case 'resume':
        return { ok: await this.o.subscriptions.setPaused(sub.id, false) };
      case 'delete':
        return { ok: await this.o.subscriptions.delete(sub.id) };
      case 'feed':
        if (sub.status === 'pending') return { ok: false };
        return { ok: true, feedUrl: await this.newFeedUrl(sub.id) };
    }
  }

  /** API-key owners manage their own webhook and feed subscriptions. */
  async ownedBy(apiKeyId: string): Promise<Subscription[]> {
    return this.o.subscriptions.byApiKey(apiKeyId);
  }

  async ownerAction(
    apiKeyId: string,
    id: string,
    action: ManageAction,
  ): Promise<{ ok: boolean; feedUrl?: string } | null> {
    const sub = await this.o.subscriptions.get(id);
    if (!sub || sub.apiKeyId !== apiKeyId) return null;
    return this.apply(sub, action);
  }

  async ownedSubscription(apiKeyId: string, id: string): Promise<Subscription | null> {
    const sub = await this.o.subscriptions.get(id);
    return sub && sub.apiKeyId === apiKeyId ? sub : null;
  }

  /** A new API key: returned once, stored as its hash. */
  async createApiKey(label: string): Promise<{ id: string; key: string }> {
    const id = newId('key');
    const key = `hwk_${randomToken(32)}`;
    await this.o.subscriptions.insertApiKey(id, sha256Hex(key), label);
    return { id, key };
  }

  async authenticate(key: string): Promise<string | null> {
    if (!/^hwk_[A-Za-z0-9_-]{20,100}$/.test(key)) return null;
    return this.o.subscriptions.apiKeyIdByHash(sha256Hex(key));
  }

  /** The subscription behind a feed URL's token. */
  async byFeedToken(token: string): Promise<Subscription | null> {
    if (!/^[A-Za-z0-9_-]{16,100}$/.test(token)) return null;
    return this.o.subscriptions.byFeedTokenHash(sha256Hex(token));
  }

  /** A fresh unguessable feed URL (the previous one stops working). */
  private async newFeedUrl(id: string): Promise<string> {
    const token = randomToken(24);
    await this.o.subscriptions.setFeedTokenHash(id, sha256Hex(token));
    return this.o.links.feed(token);
  }
}

function checkEnum<T extends string>(
  values: readonly string[],
  allowed: readonly T[],
  field: string,
  issues: FieldIssue[],
): T[] {
  const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (bad.length > 0)
    issues.push({ field, message: `must be one of ${allowed.join(', ')} (not ${bad.join(', ')})` });
  return [...new Set(values.filter((v): v is T => (allowed as readonly string[]).includes(v)))].sort();
}

function checkConfidence(value: number | undefined, issues: FieldIssue[]): number {
  if (value === undefined) return DEFAULT_MIN_CONFIDENCE;
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    issues.push({ field: 'minConfidence', message: 'must be a number from 0 to 1' });
    return DEFAULT_MIN_CONFIDENCE;
  }
  return value;
}

function criteriaKey(c: Criteria, frequency: Frequency): string {
  return JSON.stringify([
    c.query,
    [...c.tags].sort(),
    c.minConfidence,
    [...c.personIds].sort(),
    [...c.houses].sort(),
    [...c.types].sort(),
    frequency,
  ]);
}
