/**
 * `hansard-watch alerts add|list|remove|test|failures|key`: alert subscriptions from the
 * command line. Messages are only queued here; the running server or workers send them
 * (their dispatchers poll the outbox), so these commands return at once.
 */
import { createAlerts, matcherFor, type Alerts } from '../alert/alerts.js';
import { AlertInputError, AlertUnavailableError } from '../alert/errors.js';
import { DeliveryRepository } from '../alert/delivery-repository.js';
import { describeSubscription, headingOf, speakerOf } from '../alert/render/describe.js';
import { alertSettingsWithDefaults } from '../alert/defaults.js';
import { AlertSpeechSource } from '../alert/speech-source.js';
import { SubscriptionRepository } from '../alert/subscription-repository.js';
import { channelTarget, type Channel } from '../alert/channels/registry.js';
import type { Frequency } from '../alert/types.js';
import { excerptText } from '../search/highlight.js';
import type { CliContext } from './context.js';
import { writeFile } from 'node:fs/promises';

export type Out = (line: string) => void;
const stdout: Out = (line) => void process.stdout.write(`${line}\n`);

export interface AddArgs {
  email?: string;
  webhook?: string;
  feed?: boolean;
  query?: string;
  tag?: string[];
  person?: string[];
  house?: string[];
  type?: string[];
  minConfidence?: string;
  frequency?: string;
  confirmed?: boolean;
  json?: boolean;
}

/**
 * Alerts from the CLI's configuration, with the same defaults as `start` (the secret in
 * HW_DATA_DIR, links to http://HOST:PORT), so that links made here work on that server.
 */
function alertsFor(ctx: CliContext): Alerts {
  return createAlerts({ db: ctx.db, settings: alertSettingsWithDefaults(ctx.config).settings, log: ctx.log });
}

const list = (v: string[] | undefined) =>
  (v ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

export async function runAlertsAdd(ctx: CliContext, args: AddArgs, out: Out = stdout): Promise<number> {
  const channels = [
    args.email ? 'email' : null,
    args.webhook ? 'webhook' : null,
    args.feed ? 'feed' : null,
  ].filter((c): c is Channel => c !== null);
  if (channels.length !== 1)
    throw new Error('give exactly one of --email <address>, --webhook <url> or --feed');
  const alerts = alertsFor(ctx);
  try {
    const outcome = await alerts.service.create(
      {
        channel: channels[0]!,
        email: args.email,
        url: args.webhook,
        q: args.query,
        tags: list(args.tag),
        persons: list(args.person),
        houses: list(args.house),
        types: list(args.type),
        minConfidence: args.minConfidence === undefined ? undefined : Number(args.minConfidence),
        frequency: args.frequency as Frequency | undefined,
      },
      { operator: { confirmed: !!args.confirmed } },
    );
    const s = outcome.subscription;
    if (args.json)
      out(
        JSON.stringify(
          {
            id: s.id,
            status: s.status,
            channel: s.channel,
            tsquery: s.criteria.query,
            feedUrl: outcome.feedUrl,
            webhookSecret: outcome.webhookSecret,
            message: outcome.message,
          },
          null,
          2,
        ),
      );
    else {
      out(`${s.id}\t${s.status}\t${s.channel}\t${describeSubscription(s)}`);
      out(outcome.message);
      if (outcome.feedUrl) out(`feed: ${outcome.feedUrl}`);
      if (outcome.webhookSecret)
        out(
          `webhook signing secret (X-Hansard-Watch-Signature: sha256=HMAC of the body): ${outcome.webhookSecret}`,
        );
    }
    return 0;
  } catch (err) {
    if (err instanceof AlertInputError) for (const i of err.issues) out(`invalid ${i.field}: ${i.message}`);
    else if (err instanceof AlertUnavailableError) out(err.message);
    else throw err;
    return 2;
  } finally {
    await alerts.close();
  }
}

export async function runAlertsList(
  ctx: CliContext,
  opts: { json?: boolean },
  out: Out = stdout,
): Promise<number> {
  const subs = await new SubscriptionRepository(ctx.db).list(10_000);
  const counts = await new DeliveryRepository(ctx.db).counts(subs.map((s) => s.id));
  if (opts.json) {
    out(
      JSON.stringify(
        subs.map((s) => ({ ...s, ...(counts.get(s.id) ?? { matched: 0, sent: 0 }) })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (subs.length === 0) out('no alert subscriptions');
  for (const s of subs) {
    const c = counts.get(s.id) ?? { matched: 0, sent: 0 };
    out(
      `${s.id}\t${s.status}\t${s.channel}\t${channelTarget(s.channel, s.settings) ?? '(feed)'}\t${s.frequency}\t${c.matched} matched\t${describeSubscription(s)}`,
    );
  }
  return 0;
}

export async function runAlertsRemove(ctx: CliContext, id: string, out: Out = stdout): Promise<number> {
  const removed = await new SubscriptionRepository(ctx.db).delete(id);
  out(removed ? `removed ${id}` : `no subscription ${id}`);
  return removed ? 0 : 1;
}

/** Which recent speeches the subscription would match: a dry run, nothing logged or sent. */
export async function runAlertsTest(
  ctx: CliContext,
  id: string,
  opts: { days?: string; limit?: string },
  out: Out = stdout,
): Promise<number> {
  const sub = await new SubscriptionRepository(ctx.db).get(id);
  if (!sub) {
    out(`no subscription ${id}`);
    return 1;
  }
  const gids = await new AlertSpeechSource(ctx.db).recentGids(
    Number(opts.days ?? 7),
    Number(opts.limit ?? 20_000),
  );
  const items = await matcherFor(ctx.db, ctx.log).preview(sub.criteria, gids);
  out(`${describeSubscription(sub)}: ${items.length} of ${gids.length} recent speeches match`);
  for (const item of items)
    out(
      `${item.sittingDate}  ${item.gid}\n  ${headingOf(item)} — ${speakerOf(item)}\n  “${excerptText(item.excerpt)}”`,
    );
  return 0;
}

/**
 * The next e-mail of a subscription, rendered from the stored speeches of `--date`
 * (default: the latest sitting) and sent to nobody: its subject and text, and with
 * `--html FILE` its HTML part written to FILE to open in a browser.
 */
export async function runAlertsPreview(
  ctx: CliContext,
  id: string,
  opts: { date?: string; html?: string },
  out: Out = stdout,
): Promise<number> {
  if (opts.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) {
    out(`--date: must be a date like 2009-10-27, not "${opts.date}"`);
    return 2;
  }
  const alerts = alertsFor(ctx);
  try {
    const preview = await alerts.preview(id, opts.date ?? null);
    if (!preview) {
      out(`no subscription ${id}`);
      return 1;
    }
    if (!preview.mail) {
      out(`nothing matches on ${preview.date ?? '(no speeches stored)'}: no e-mail would go`);
      return 0;
    }
    out(
      `${preview.date}: ${preview.matches} match${preview.matches === 1 ? '' : 'es'} (preview; nothing sent)`,
    );
    out(`To: ${preview.mail.to}\nSubject: ${preview.mail.subject}\n\n${preview.mail.text}`);
    if (opts.html) {
      await writeFile(opts.html, preview.mail.html, 'utf8');
      out(`HTML part written to ${opts.html}`);
    }
    return 0;
  } finally {
    await alerts.close();
  }
}

export async function runAlertsFailures(
  ctx: CliContext,
  opts: { json?: boolean; retry?: string | boolean },
  out: Out = stdout,
): Promise<number> {
  const deliveries = new DeliveryRepository(ctx.db);
  if (opts.retry) {
    const n = await deliveries.retryDead(
      opts.retry === true || opts.retry === 'all' ? undefined : opts.retry,
    );
    out(`re-queued ${n} dead message${n === 1 ? '' : 's'}`);
    return 0;
  }
  const rows = await deliveries.failures(500);
  if (opts.json) out(JSON.stringify(rows, null, 2));
  else if (rows.length === 0) out('no failed or dead-lettered alert messages');
  else
    for (const f of rows)
      out(
        `${f.id}\t${f.status}\t${f.kind}\t${f.channel ?? 'email'}\t${f.target ?? ''}\t${f.speeches} speech(es)\t${f.attempts} attempts\t${f.status === 'dead' ? 'dead since' : 'next try'} ${f.status === 'dead' ? f.createdAt : f.nextAttemptAt}\t${f.lastError ?? ''}`,
      );
  return 0;
}

export async function runAlertsKey(
  ctx: CliContext,
  action: string,
  arg: string | undefined,
  out: Out = stdout,
): Promise<number> {
  const repo = new SubscriptionRepository(ctx.db);
  if (action === 'create') {
    if (!arg) throw new Error('give a label: alerts key create <label>');
    const alerts = alertsFor(ctx);
    try {
      const { id, key } = await alerts.service.createApiKey(arg);
      out(`${id}\t${key}\n(shown once: only its hash is stored)`);
    } finally {
      await alerts.close();
    }
    return 0;
  }
  if (action === 'list') {
    for (const k of await repo.listApiKeys())
      out(`${k.id}\t${k.revoked ? 'revoked' : 'active'}\t${k.createdAt}\t${k.label}`);
    return 0;
  }
  if (action === 'revoke' && arg) {
    const ok = await repo.revokeApiKey(arg);
    out(ok ? `revoked ${arg}` : `no active key ${arg}`);
    return ok ? 0 : 1;
  }
  throw new Error('usage: alerts key create <label> | list | revoke <id>');
}
