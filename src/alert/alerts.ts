/**
 * The alert feature assembled: matcher (pipeline hook), dispatcher (outbox sender),
 * subscription service (web, API, CLI). Entry points build one `Alerts` per process:
 *
 *   const alerts = createAlerts({ db, settings, log });
 *   alerts.register(pipeline);            // match new speeches as they are ingested
 *   alerts.start();                       // send, retry and digest in this process
 *   app.register(alertsPlugin, { alerts }) // subscribe, confirm, manage, feeds
 *   …
 *   await alerts.close();
 */
import type { Logger } from '../log.js';
import type { EventContext as HookContext } from '../events/bus.js';
import type { SpeechesIngested } from '../events/ingest.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Db } from '../store/db.js';
import { AlertMatcher, type MatchOutcome } from './alert-matcher.js';
import { smtpTransport, type MailTransport } from './channels/mail.js';
import { outboxTransport } from './channels/outbox.js';
import { WebhookSender } from './channels/webhook.js';
import { DeliveryRepository } from './delivery-repository.js';
import { AlertDispatcher } from './dispatcher.js';
import { AlertLinks } from './links.js';
import { RateBuckets } from './rate-buckets.js';
import type { AlertSettings } from './settings.js';
import { AlertSubscriptionService } from './subscription-service.js';
import { SubscriptionRepository } from './subscription-repository.js';
import { LinkSigner } from './tokens.js';
import { TargetPolicy, type Resolver } from './webhook/target-policy.js';

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
  webhookTimeoutMs?: number;
  now?: () => Date;
}

/** Name under which the hook is registered on the pipeline (after tagging's, so tags are there). */
export const ALERTS_HOOK = 'alerts';

export class Alerts {
  readonly matcher: AlertMatcher;
  readonly dispatcher: AlertDispatcher;
  readonly service: AlertSubscriptionService;
  readonly links: AlertLinks;
  readonly subscriptions: SubscriptionRepository;
  readonly deliveries: DeliveryRepository;
  private readonly mail: MailTransport | null;
  private readonly buckets: RateBuckets;
  private readonly webhooks: WebhookSender;

  constructor(private readonly o: AlertsOptions) {
    const { db, settings, log } = o;
    const alertLog = log.child({ component: 'alerts' });
    this.subscriptions = new SubscriptionRepository(db);
    this.deliveries = new DeliveryRepository(db);
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
    this.matcher = new AlertMatcher(db, alertLog);
    this.dispatcher = new AlertDispatcher({
      deliveries: this.deliveries,
      subscriptions: this.subscriptions,
      links: this.links,
      mail: this.mail,
      webhooks: this.webhooks,
      retry: settings.retry,
      digest: settings.digest,
      log: alertLog,
      onMinute: () => this.housekeeping(),
      onPass: () => this.rematchLateTagged(),
      ...(o.now ? { now: o.now } : {}),
    });
    this.service = new AlertSubscriptionService({
      subscriptions: this.subscriptions,
      deliveries: this.deliveries,
      links: this.links,
      policy,
      emailEnabled: this.mail !== null,
      rateLimits: settings.rateLimits,
      buckets: this.buckets,
      log: alertLog,
      ...(o.knownTags ? { knownTags: o.knownTags } : {}),
      onQueued: () => this.dispatcher.kick(),
      ...(o.now ? { now: o.now } : {}),
    });
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

  /** The `speeches-ingested` handler (src/pipeline/hooks.ts). */
  readonly hook = async (event: SpeechesIngested, ctx: HookContext): Promise<void> => {
    const started = performance.now();
    const outcome = await this.handleSpeeches(event.changedSpeechGids);
    ctx.log.info(
      { file: event.name, replay: event.replay, ...outcome, ms: Math.round(performance.now() - started) },
      'alerts matched',
    );
  };

  /** Registers the hook; returns the function that removes it. */
  register(pipeline: Pipeline): () => void {
    return pipeline.onSpeechesIngested(ALERTS_HOOK, this.hook);
  }

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
 * `handleSpeechesIngested(db, gids, deps)`: the matching step alone, for callers without
 * an `Alerts` (a one-off script, a backfill). Sending happens wherever a dispatcher runs.
 */
export async function handleSpeechesIngested(
  db: Db,
  gids: readonly string[],
  deps: { log: Logger },
): Promise<MatchOutcome> {
  return new AlertMatcher(db, deps.log).handle(gids);
}
