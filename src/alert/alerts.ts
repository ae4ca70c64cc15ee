/**
 * The alert feature assembled: matcher (pipeline hook), dispatcher (outbox sender),
 * subscription service (web, API, CLI). Entry points build one `Alerts` per process:
 *
 *   const alerts = createAlerts({ db, settings, log });
 *   // the composition root subscribes alerts.onSpeechesIngested (src/app/subscriptions.ts)
 *   alerts.start();                       // send, retry and digest in this process
 *   app.register(alertsPlugin, { alerts }) // subscribe, confirm, manage, feeds
 *   …
 *   await alerts.close();
 */
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import type { AlertChannel } from './channels/channel.js';
import { ChannelRegistry } from './channels/registry.js';
import { AlertMatcher, type MatchOutcome } from './alert-matcher.js';
import { smtpTransport, type MailTransport } from './transport/mail.js';
import { outboxTransport } from './transport/outbox.js';
import { WebhookSender } from './transport/webhook-sender.js';
import { DeliveryRepository } from './delivery-repository.js';
import { AlertDispatcher } from './dispatcher.js';
import { AlertLinks } from './links.js';
import { RateBuckets } from './rate-buckets.js';
import { DEFAULT_MAIL_SHAPE, type AlertSettings } from './settings.js';
import { AlertSubscriptionService } from './subscription-service.js';
import { AlertSpeechSource } from './speech-source.js';
import { AlertContextSource } from './context-source.js';
import { AlertVoteSource } from './vote-source.js';
import { previewMail, type Preview } from './preview.js';
import type { AlertItem, Subscription } from './types.js';
import { SubscriptionRepository } from './subscription-repository.js';
import { LinkSigner } from './tokens.js';
import { TargetPolicy, type Resolver } from './webhook/target-policy.js';

/** Bounds on the confirmation page's look back: a page, not a search. */
const RECENT_DAYS = 14;
const RECENT_SPEECHES = 2000;

export interface AlertsOptions {
  db: Db;
  settings: AlertSettings;
  log: Logger;
  /** DNS for webhook targets (tests inject one). */
  resolver?: Resolver;
  /** Replaces the transport built from settings.smtp or settings.outbox (tests, other transports). */
  mail?: MailTransport | null;
  /** Tag ids subscriptions may name (the taxonomy's); any well-formed id when absent. */
  knownTags?: () => Promise<readonly string[]> | readonly string[];
  /** Channels beside the built-in ones (src/alert/channels/registry.ts). */
  channels?: readonly AlertChannel[];
  webhookTimeoutMs?: number;
  now?: () => Date;
}

/**
 * What alerts need to hear about newly ingested speeches: the announcing file, the
 * speeches new or changed, and whether it is a re-announcement after a crash. The
 * pipeline's `speeches-ingested` event has this shape; alerts do not depend on it.
 */
export interface AnnouncedSpeeches {
  /** Feed file that announced them, for the log. */
  name: string;
  changedSpeechGids: readonly string[];
  replay: boolean;
}

export class Alerts {
  readonly matcher: AlertMatcher;
  readonly dispatcher: AlertDispatcher;
  readonly service: AlertSubscriptionService;
  readonly links: AlertLinks;
  readonly subscriptions: SubscriptionRepository;
  readonly deliveries: DeliveryRepository;
  readonly channels: ChannelRegistry;
  private readonly mail: MailTransport | null;
  private readonly buckets: RateBuckets;
  private readonly webhooks: WebhookSender;
  private readonly speechSource: AlertSpeechSource;

  constructor(private readonly o: AlertsOptions) {
    const { db, settings, log } = o;
    const alertLog = log.child({ component: 'alerts' });
    this.subscriptions = new SubscriptionRepository(db);
    this.speechSource = new AlertSpeechSource(db);
    this.deliveries = new DeliveryRepository(db, {
      rollup: (settings.mailShape ?? DEFAULT_MAIL_SHAPE).rollup,
    });
    this.buckets = new RateBuckets(db);
    this.links = new AlertLinks(
      settings.publicBaseUrl,
      new LinkSigner(settings.secret),
      settings.confirmHours,
    );
    const policy = new TargetPolicy(settings.allowList, o.resolver);
    this.mail = o.mail !== undefined ? o.mail : mailTransport(settings);
    this.webhooks = new WebhookSender(policy, {
      ...(o.webhookTimeoutMs ? { timeoutMs: o.webhookTimeoutMs } : {}),
    });
    this.channels = new ChannelRegistry(
      { mail: this.mail, webhooks: this.webhooks, policy, signer: this.links.signer, links: this.links },
      o.channels,
    );
    this.matcher = new AlertMatcher(
      {
        subscriptions: this.subscriptions,
        speeches: this.speechSource,
        deliveries: this.deliveries,
        ...((settings.mailShape ?? DEFAULT_MAIL_SHAPE).context
          ? { context: new AlertContextSource(db), votes: new AlertVoteSource(db) }
          : {}),
      },
      alertLog,
    );
    this.dispatcher = new AlertDispatcher({
      deliveries: this.deliveries,
      subscriptions: this.subscriptions,
      links: this.links,
      mail: this.mail,
      channels: this.channels,
      retry: settings.retry,
      digest: settings.digest,
      log: alertLog,
      onMinute: () => this.housekeeping(),
      onPass: () => this.rematchLateTagged(),
      mailShape: settings.mailShape ?? DEFAULT_MAIL_SHAPE,
      ...(o.now ? { now: o.now } : {}),
    });
    this.service = new AlertSubscriptionService({
      subscriptions: this.subscriptions,
      deliveries: this.deliveries,
      links: this.links,
      channels: this.channels,
      emailEnabled: this.mail !== null,
      rateLimits: settings.rateLimits,
      buckets: this.buckets,
      log: alertLog,
      ...(o.knownTags ? { knownTags: o.knownTags } : {}),
      onQueued: () => this.dispatcher.kick(),
      ...(o.now ? { now: o.now } : {}),
    });
  }

  /**
   * The next e-mail of a subscription, from the stored speeches of `date` (default: the
   * latest sitting), sent to nobody; null when there is no such subscription.
   */
  async preview(id: string, date: string | null): Promise<Preview | null> {
    const sub = await this.subscriptions.get(id);
    if (!sub) return null;
    return previewMail(
      {
        matcher: this.matcher,
        speeches: this.speechSource,
        subscriptions: this.subscriptions,
        links: this.links,
        shape: this.o.settings.mailShape ?? DEFAULT_MAIL_SHAPE,
      },
      sub,
      date,
      this.o.now?.() ?? new Date(),
    );
  }

  /**
   * What the subscription would have matched lately, newest first (the confirmation page
   * shows these): matched afresh over the latest `RECENT_SPEECHES` stored speeches, since a
   * subscription just confirmed has nothing in its log yet.
   */
  async recentMatches(sub: Subscription, limit: number): Promise<AlertItem[]> {
    const gids = await this.speechSource.recentGids(RECENT_DAYS, RECENT_SPEECHES);
    const items = await this.matcher.preview(sub.criteria, gids);
    return items
      .filter((i) => !i.division)
      .sort(
        (a, b) => b.sittingDate.localeCompare(a.sittingDate) || (b.time ?? '').localeCompare(a.time ?? ''),
      )
      .slice(0, limit);
  }

  /** Matches a batch of new or changed speeches and wakes the sender. Idempotent per speech. */
  async handleSpeeches(gids: readonly string[]): Promise<MatchOutcome> {
    const outcome = await this.matcher.handle(gids);
    if (outcome.queued > 0 || outcome.recorded > 0) this.dispatcher.kick();
    return outcome;
  }

  /**
   * Matches again days that were announced before the tagger had finished with them (a
   * worker tagging another file's day held it), so tag subscriptions get them. Run on every
   * dispatcher pass, not once a minute: it is one query when nothing is waiting, and once a
   * minute put up to a minute on those alerts (seen in `bench pipeline` under load).
   */
  async rematchLateTagged(): Promise<void> {
    for (const outcome of await this.matcher.rematchTagged()) {
      if (outcome.recorded > 0) this.dispatcher.kick();
      this.o.log.info({ ...outcome }, 'late-tagged day matched again');
    }
  }

  /**
   * Once a minute: late-tagged days, refilled rate-limit buckets, and e-mail subscriptions
   * never confirmed (links long expired).
   */
  async housekeeping(): Promise<void> {
    await this.rematchLateTagged();
    await this.buckets.sweep();
    const purged = await this.subscriptions.purgeUnconfirmed(this.o.settings.confirmHours * 2);
    if (purged > 0) this.o.log.info({ purged }, 'unconfirmed alert subscriptions deleted');
  }

  /** Handler for newly ingested speeches (the pipeline's `speeches-ingested` event): idempotent per speech. */
  readonly onSpeechesIngested = async (event: AnnouncedSpeeches, ctx: { log: Logger }): Promise<void> => {
    const started = performance.now();
    const outcome = await this.handleSpeeches(event.changedSpeechGids);
    ctx.log.info(
      { file: event.name, replay: event.replay, ...outcome, ms: Math.round(performance.now() - started) },
      'alerts matched',
    );
  };

  /** Sends due messages now and every `intervalMs`, and queues digests when due. */
  start(intervalMs = 5000): void {
    this.dispatcher.start(intervalMs);
  }

  async close(): Promise<void> {
    await this.dispatcher.stop();
    this.mail?.close();
    await this.webhooks.close();
  }
}

/** SMTP when configured, else the local outbox when there is one, else no e-mail. */
function mailTransport(settings: AlertSettings): MailTransport | null {
  if (settings.smtp) return smtpTransport(settings.smtp.url, settings.smtp.from);
  if (settings.outbox) return outboxTransport(settings.outbox.dir, settings.outbox.from);
  return null;
}

export function createAlerts(options: AlertsOptions): Alerts {
  return new Alerts(options);
}

/**
 * The matcher alone, on the store's repositories, for callers without an `Alerts`
 * (`alerts test`, the benchmark). Sending happens wherever a dispatcher runs.
 */
export function matcherFor(db: Db, log: Logger): AlertMatcher {
  return new AlertMatcher(
    {
      subscriptions: new SubscriptionRepository(db),
      speeches: new AlertSpeechSource(db),
      deliveries: new DeliveryRepository(db),
      context: new AlertContextSource(db),
      votes: new AlertVoteSource(db),
    },
    log,
  );
}
