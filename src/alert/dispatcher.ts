/**
 * Sends what the outbox holds. Each message is leased (status 'sending') before it is
 * sent and marked sent only after the SMTP server or webhook receiver accepted it; a
 * failure schedules a retry with exponential backoff, and after the last attempt the
 * message is dead-lettered for `hansard-watch alerts failures`. Several processes may run
 * a dispatcher on the same database: leases and SKIP LOCKED keep them apart.
 *
 * The one window no bookkeeping can close is a crash after the receiver accepted a
 * message and before it was marked sent: the lease lapses and the message goes again.
 * E-mails then carry the same Message-ID and webhooks the same delivery id, so the copy
 * can be recognised.
 */
import type { Logger } from '../log.js';
import { NothingToSend } from './channels/channel.js';
import { sendMail } from './channels/email.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { MailTransport } from './transport/mail.js';
import { DeliveryRepository, type ClaimedRow } from './delivery-repository.js';
import { dailyPeriod, weeklyPeriod, type DigestSchedule } from './digest-schedule.js';
import type { AlertLinks } from './links.js';
import { renderConfirmEmail, renderManageEmail, renderNoticeEmail } from './render/email.js';
import { SubscriptionRepository } from './subscription-repository.js';
import { emailOf, type AlertItem, type Subscription } from './types.js';
import { renderRollupEmail, type RollupSection } from './render/rollup-email.js';
import { DEFAULT_MAIL_SHAPE, type MailShape } from './settings.js';

interface SendContext {
  subs: Map<string, Subscription>;
  items: Map<string, AlertItem[]>;
  /** Roll-ups: each item with the subscription it was matched for. */
  entries: Map<string, { subscriptionId: string; item: AlertItem }[]>;
}

/** A message for an address rather than one subscription (migrations/029_alert_rollups.sql). */
const isRollup = (row: Pick<ClaimedRow, 'kind' | 'subscriptionId'>): boolean =>
  row.kind === 'rollup' || (row.kind === 'digest' && row.subscriptionId === null);

export interface DispatcherOptions {
  deliveries: DeliveryRepository;
  subscriptions: SubscriptionRepository;
  links: AlertLinks;
  /** For the messages every channel shares: confirmations, notices, management links. */
  mail: MailTransport | null;
  /** Alerts and digests go out through their subscription's channel. */
  channels: ChannelRegistry;
  retry: { maxAttempts: number; baseMs: number };
  digest: DigestSchedule;
  log: Logger;
  /** Messages sent at once. */
  concurrency?: number;
  /** How long a claimed message stays this worker's. */
  leaseMs?: number;
  /** Run once a minute beside the digest check (housekeeping). */
  onMinute?: () => Promise<void>;
  /** Run at the start of every pass, before sending: cheap checks that may queue messages. */
  onPass?: () => Promise<void>;
  now?: () => Date;
  /** Roll-ups and caps (issue #20); DEFAULT_MAIL_SHAPE when absent. */
  mailShape?: MailShape;
}

export interface DispatchResult {
  sent: number;
  failed: number;
  dead: number;
  skipped: number;
}

const MAX_BACKOFF_MS = 3_600_000;
const BATCH = 50;

/** Doubling delay with half jitter, capped at an hour. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

export class AlertDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastDigestCheck = 0;
  private readonly now: () => Date;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Polls every `intervalMs` (retries, other processes' matches) and checks digests every minute. */
  start(intervalMs: number): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Runs a pass soon; passes never overlap, and a kick during one runs another after it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.maybeDigests();
          await this.o.onPass?.();
          await this.drain();
        } catch (err) {
          this.o.log.error({ err: (err as Error).message }, 'alert dispatch pass failed');
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = null));
  }

  /** Waits for the pass in progress, if any (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }

  private async maybeDigests(): Promise<void> {
    const t = this.now().getTime();
    if (t - this.lastDigestCheck < 60_000) return;
    this.lastDigestCheck = t;
    await this.runDigests();
    await this.o.onMinute?.();
  }

  /** Creates the digests now due (safe to call any time, from any process). */
  async runDigests(now = this.now()): Promise<number> {
    const daily = dailyPeriod(now, this.o.digest);
    const weekly = weeklyPeriod(now, this.o.digest);
    const made =
      (await this.o.deliveries.createDigests('daily', daily.key, daily.cutoff)) +
      (await this.o.deliveries.createDigests('weekly', weekly.key, weekly.cutoff));
    if (made > 0) this.o.log.info({ digests: made, daily: daily.key, weekly: weekly.key }, 'digests queued');
    return made;
  }

  /** Sends everything due now; returns what happened. */
  async drain(): Promise<DispatchResult> {
    const total: DispatchResult = { sent: 0, failed: 0, dead: 0, skipped: 0 };
    for (;;) {
      const claimed = await this.o.deliveries.claim(BATCH, this.o.leaseMs ?? 300_000);
      if (claimed.length === 0) return total;
      const context = await this.context(claimed);
      await forEachLimited(claimed, this.o.concurrency ?? 4, async (row) => {
        const outcome = await this.sendOne(row, context);
        total[outcome]++;
      });
      if (claimed.length < BATCH || this.stopped) return total;
    }
  }

  private async context(rows: readonly ClaimedRow[]): Promise<SendContext> {
    const rollups = rows.filter(isRollup).map((r) => r.id);
    const entries = await this.o.deliveries.entriesOf(rollups);
    const ids = new Set(rows.flatMap((r) => (r.subscriptionId ? [r.subscriptionId] : [])));
    for (const list of entries.values()) for (const e of list) ids.add(e.subscriptionId);
    const subs = new Map<string, Subscription>();
    for (const id of ids) {
      const sub = await this.o.subscriptions.get(id);
      if (sub) subs.set(id, sub);
    }
    const items = await this.o.deliveries.itemsOf(
      rows.filter((r) => (r.kind === 'alert' || r.kind === 'digest') && !isRollup(r)).map((r) => r.id),
    );
    return { subs, items, entries };
  }

  private async sendOne(row: ClaimedRow, ctx: SendContext): Promise<keyof DispatchResult> {
    const log = this.o.log.child({ message: row.id, kind: row.kind, attempt: row.attempts });
    try {
      if (isRollup(row)) await this.sendRollup(row, ctx);
      else
        await this.deliver(
          row,
          row.subscriptionId ? (ctx.subs.get(row.subscriptionId) ?? null) : null,
          ctx.items.get(row.id) ?? [],
        );
      await this.o.deliveries.markSent(row.id);
      log.info({ subscription: row.subscriptionId }, 'alert message sent');
      return 'sent';
    } catch (err) {
      if (err instanceof NothingToSend) {
        await this.o.deliveries.markSent(row.id);
        log.debug({ reason: err.message }, 'alert message skipped');
        return 'skipped';
      }
      const message = err instanceof Error ? err.message : String(err);
      const dead = row.attempts >= this.o.retry.maxAttempts;
      const delay = dead ? null : backoffMs(row.attempts, this.o.retry.baseMs);
      await this.o.deliveries.markFailed(row.id, message, delay);
      log[dead ? 'error' : 'warn'](
        { err: message, retryInMs: delay },
        dead ? 'alert message dead-lettered' : 'alert message failed; will retry',
      );
      return dead ? 'dead' : 'failed';
    }
  }

  private async deliver(row: ClaimedRow, sub: Subscription | null, items: AlertItem[]): Promise<void> {
    const now = this.now();
    if (row.kind === 'manage') return this.sendManage(row);
    if (!sub) throw new NothingToSend('subscription deleted');
    if (row.kind === 'confirm') {
      if (sub.status !== 'pending' || !emailOf(sub))
        throw new NothingToSend('no longer awaiting confirmation');
      return this.mail(renderConfirmEmail(sub, this.o.links, now), row.id);
    }
    if (row.kind === 'notice') {
      if (sub.status === 'pending' || !emailOf(sub)) throw new NothingToSend('not a confirmed e-mail alert');
      return this.mail(renderNoticeEmail(sub, this.o.links, now), row.id);
    }
    if (items.length === 0) throw new NothingToSend('no speeches left to send');
    const channel = this.o.channels.get(sub.channel);
    // Not skipped: a subscription of a channel this build lacks should show in `alerts failures`.
    if (!channel) throw new Error(`no alert channel "${sub.channel}" on this server`);
    const kind = row.kind === 'digest' ? 'digest' : 'alert';
    await channel.deliver({ id: row.id, kind, subscription: sub, items, now }, this.o.channels.services);
  }

  /**
   * One e-mail for an address: its subscriptions' matches grouped by subscription. Items
   * of a subscription paused, deleted or moved to another address since are left out. Past
   * the daily cap nothing is sent (the matches stay listed on the site); the last e-mail
   * the cap allows says so.
   */
  private async sendRollup(row: ClaimedRow, ctx: SendContext): Promise<void> {
    const recipient = row.recipient;
    if (!recipient) throw new NothingToSend('no recipient');
    const sections = new Map<string, RollupSection & { items: AlertItem[] }>();
    for (const { subscriptionId, item } of ctx.entries.get(row.id) ?? []) {
      const sub = ctx.subs.get(subscriptionId);
      if (!sub || sub.status !== 'active' || sub.channel !== 'email' || emailOf(sub) !== recipient) continue;
      const section = sections.get(subscriptionId) ?? { subscription: sub, items: [] };
      section.items.push(item);
      sections.set(subscriptionId, section);
    }
    if (sections.size === 0) throw new NothingToSend('no speeches left to send');
    const shape = this.o.mailShape ?? DEFAULT_MAIL_SHAPE;
    const sent = await this.o.deliveries.sentToRecipientToday(recipient);
    if (sent >= shape.perDay) throw new NothingToSend('daily cap of alert e-mails reached');
    const kind = row.kind === 'digest' ? (row.digestKey?.startsWith('week-') ? 'weekly' : 'daily') : 'alert';
    const mail = renderRollupEmail(recipient, [...sections.values()], this.o.links, this.now(), {
      kind,
      maxSpeeches: shape.maxSpeeches,
      lastOfDay: sent === shape.perDay - 1 ? shape.perDay : null,
    });
    return this.mail(mail, row.id);
  }

  private async sendManage(row: ClaimedRow): Promise<void> {
    if (!row.recipient) throw new NothingToSend('no recipient');
    const count = (await this.o.subscriptions.byEmail(row.recipient)).length;
    // Said the same to the requester either way; only addresses with alerts get mail.
    if (count === 0) throw new NothingToSend('address has no alerts');
    return this.mail(renderManageEmail(row.recipient, count, this.o.links, this.now()), row.id);
  }

  private async mail(mail: Parameters<MailTransport['send']>[0], messageId: string): Promise<void> {
    await sendMail(this.o, mail, messageId);
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
