/**
 * The alert half of `bench pipeline`: alerts wired into the pipeline as `start` wires them
 * (ALERT_SECRET, PUBLIC_BASE_URL, SMTP_URL, MAIL_FROM through the validated config), a
 * real SMTP server (smtp-server) on 127.0.0.1, and confirmed immediate e-mail
 * subscriptions made through the public API with double opt-in, like a reader would.
 * Afterwards it times each e-mail from its file's release to the SMTP server accepting it
 * and checks that every matched speech reached each subscriber exactly once.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Alerts } from '../../src/alert/alerts.js';
import { alertsFromConfig } from '../../src/alert/runtime.js';
import { subscribeAlerts } from '../../src/app/subscriptions.js';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { alertsPlugin } from '../../src/web/alerts/plugin.js';
import { linkIn, local, startSmtp, type ReceivedMail, type TestSmtp } from '../../tests/alert/support.js';

const PUBLIC_BASE_URL = 'https://alerts.bench.invalid';

/**
 * What readers of the 2009 week would plausibly follow: words and phrases common in the
 * corpus, both health tags, and two frequent speakers (one MP mostly in written answers,
 * one minister). One address per subscription, so a recipient names its subscription.
 */
const SUBSCRIPTIONS: readonly Record<string, string>[] = [
  { email: 'nhs@bench.invalid', q: 'NHS' },
  { email: 'royal-mail@bench.invalid', q: '"Royal Mail"' },
  { email: 'hospitals@bench.invalid', q: 'hospital OR "primary care"' },
  { email: 'outsourcing@bench.invalid', tag: 'outsourcing' },
  { email: 'privatisation@bench.invalid', tag: 'privatisation' },
  { email: 'steve-webb@bench.invalid', person: 'uk.org.publicwhip/person/10626' },
  { email: 'stephen-timms@bench.invalid', person: '10596' },
];

export interface AlertDelivery {
  smtp: TestSmtp;
  alerts: Alerts;
  /** Speech gid → the feed file that first announced it (filled by a hook beside the alerts one). */
  announcedIn: Map<string, string>;
  /** Creates and confirms the subscriptions (needs people loaded); returns how many. */
  subscribe(): Promise<number>;
  /** Resolves once nothing is left to send and every sent alert has reached the SMTP server. */
  drained(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Wires alerts into `pipeline` before its workers start, as the composition root (src/app/runtime.ts) does. */
export async function startAlertDelivery(
  db: Db,
  pipeline: Pipeline,
  log: Logger,
  /** Extra alert settings (ALERT_ROLLUP, ALERT_CONTEXT: the behaviour before issue #20 for the baseline). */
  env: Record<string, string> = {},
): Promise<AlertDelivery> {
  const smtp = await startSmtp();
  const config = loadConfig({
    ALERT_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'hansard-watch <alerts@bench.invalid>',
    // No daily cap in a bench: every match must arrive to be counted.
    ALERT_MAILS_PER_DAY: '1000',
    ...env,
  });
  const alerts = alertsFromConfig(config, db, log);
  if (!alerts) throw new Error('alerts did not start although ALERT_SECRET is set');
  const announcedIn = new Map<string, string>();
  pipeline.deps.events.on('speeches-ingested', 'bench-attribution', async (event) => {
    for (const gid of event.changedSpeechGids) if (!announcedIn.has(gid)) announcedIn.set(gid, event.name);
  });
  subscribeAlerts(pipeline.deps.events, alerts);
  alerts.start();
  const app = Fastify({ logger: false });
  await app.register(alertsPlugin, { alerts });
  await app.ready();
  return {
    smtp,
    alerts,
    announcedIn,
    subscribe: async () => {
      for (const s of SUBSCRIPTIONS) await subscribeAndConfirm(app, smtp, s);
      return SUBSCRIPTIONS.length;
    },
    drained: (timeoutMs) => drained(db, smtp, timeoutMs),
    async close() {
      await alerts.close();
      await app.close();
      await smtp.close();
    },
  };
}

async function subscribeAndConfirm(
  app: FastifyInstance,
  smtp: TestSmtp,
  body: Record<string, string>,
): Promise<void> {
  const email = body.email!;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/alerts',
    payload: { ...body, frequency: 'immediate' },
  });
  if (res.statusCode !== 202) throw new Error(`subscribing ${email}: ${res.statusCode} ${res.body}`);
  const mail = await waitFor(`the confirmation e-mail to ${email}`, 15_000, () =>
    smtp.received.find((m) => m.to.includes(email) && m.subject.startsWith('Confirm')),
  );
  const token = new URL(linkIn(mail.text, `${PUBLIC_BASE_URL}/alerts/confirm?token=`)).searchParams.get(
    'token',
  );
  const done = await app.inject({
    method: 'POST',
    url: local(`${PUBLIC_BASE_URL}/alerts/confirm`),
    payload: `token=${encodeURIComponent(token ?? '')}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (done.statusCode !== 200 || !done.body.includes('Alert confirmed'))
    throw new Error(`confirming ${email}: ${done.statusCode}`);
}

async function drained(db: Db, smtp: TestSmtp, timeoutMs: number): Promise<void> {
  await waitFor('the alert outbox to drain', timeoutMs, async () => {
    const [row] = await db.query<{ open: number; sent: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('pending', 'sending', 'failed'))::int AS open,
              count(*) FILTER (WHERE status = 'sent')::int AS sent
         FROM alert_messages WHERE kind IN ('alert', 'rollup')`,
    );
    return row && row.open === 0 && alertMails(smtp.received).length >= row.sent;
  });
}

const MESSAGE_ID = /^<alert-(\d+)@/;

/** Alert e-mails (not confirmations), by the outbox id nodemailer puts in their Message-ID. */
function alertMails(received: readonly ReceivedMail[]): { id: string; mail: ReceivedMail }[] {
  return received
    .filter((m) => !m.subject.startsWith('Confirm'))
    .map((mail) => ({ id: MESSAGE_ID.exec(mail.headers.get('message-id') ?? '')?.[1] ?? '', mail }));
}

export interface DeliveryFigures {
  subscriptions: number;
  emails: number;
  /** (subscription, speech) deliveries the e-mails carried: one per e-mail before roll-ups. */
  deliveries: number;
  /** Per released file with at least one alert: seconds from release to its first and to its last e-mail. */
  files: { name: string; first: number; last: number; emails: number }[];
  /** Every e-mail, seconds from its speech's file release. */
  perEmail: number[];
  duplicates: string[];
  missing: number;
  /**
   * (subscription, speech) pairs that matching the final store matches, for speeches of
   * released files, and how many of them no e-mail carried (under any gid of the speech).
   */
  expected: number;
  missed: string[];
  dead: number;
  /**
   * E-mails not timed, by file: about files the bench did not release (a file no
   * changedates line lists is on the feed from the start), or '(unknown)' when the speech
   * cannot be traced to an announcement at all.
   */
  untimed: Map<string, number>;
}

/**
 * Joins what the SMTP server received with the delivery log. A duplicate is a second
 * e-mail to one subscriber about one speech, where "one speech" follows gid_redirects
 * through revised versions of a day, or a repeated Message-ID, or a repeated TWFY link.
 */
export async function deliveryFigures(
  db: Db,
  delivery: AlertDelivery,
  releasedAt: ReadonlyMap<string, number>,
): Promise<DeliveryFigures> {
  const logged = await db.query<{ message_id: string; speech_gid: string; subscription_id: string }>(
    `SELECT d.message_id::text AS message_id, d.speech_gid, d.subscription_id
       FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
      WHERE d.message_id IS NOT NULL AND s.channel = 'email' AND s.frequency = 'immediate'`,
  );
  // A roll-up carries several deliveries; a message before issue #20, one.
  const gidsOf = new Map<string, { gid: string; sub: string }[]>();
  for (const r of logged)
    gidsOf.set(r.message_id, [
      ...(gidsOf.get(r.message_id) ?? []),
      { gid: r.speech_gid, sub: r.subscription_id },
    ]);
  const latest = await latestGid(db);
  const [dead] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM alert_messages WHERE kind IN ('alert', 'rollup') AND status = 'dead'",
  );
  const mails = alertMails(delivery.smtp.received);
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const byFile = new Map<string, number[]>();
  const perEmail: number[] = [];
  const untimed = new Map<string, number>();
  for (const { id, mail } of mails) {
    const carried = gidsOf.get(id) ?? [];
    const keys = [`id ${id}`, ...carried.map((c) => `speech ${c.sub} ${latest(c.gid)}`)];
    if (carried.length === 0) keys.push(`speech ?${id}`);
    for (const key of keys) {
      if (seen.has(key)) duplicates.push(key);
      seen.add(key);
    }
    // Timed from the release of each file whose speeches the e-mail carries.
    const files = new Set(carried.flatMap((c) => delivery.announcedIn.get(c.gid) ?? []));
    if (files.size === 0) untimed.set('(unknown)', (untimed.get('(unknown)') ?? 0) + 1);
    let timed = false;
    for (const file of files) {
      const at = releasedAt.get(file);
      if (at === undefined) {
        untimed.set(file, (untimed.get(file) ?? 0) + 1);
        continue;
      }
      const s = (mail.receivedAt - at) / 1000;
      if (!timed) perEmail.push(s);
      timed = true;
      byFile.set(file, [...(byFile.get(file) ?? []), s]);
    }
  }
  const received = new Set(mails.map((m) => m.id));
  const delivered = new Set(
    logged
      .filter((r) => received.has(r.message_id))
      .map((r) => `${r.subscription_id} ${latest(r.speech_gid)}`),
  );
  const { expected, missed } = await completeness(db, delivery, releasedAt, latest, delivered);
  return {
    subscriptions: SUBSCRIPTIONS.length,
    emails: mails.length,
    deliveries: logged.filter((r) => received.has(r.message_id)).length,
    files: [...byFile].map(([name, t]) => ({
      name,
      first: Math.min(...t),
      last: Math.max(...t),
      emails: t.length,
    })),
    perEmail,
    duplicates,
    missing: [...gidsOf.keys()].filter((id) => !received.has(id)).length,
    expected,
    missed,
    dead: dead?.n ?? 0,
    untimed,
  };
}

/**
 * Matches every speech in the final store against the subscriptions (the matcher itself
 * is checked against brute force in tests/alert/matcher.test.ts) and lists the pairs,
 * among speeches that released files announced, that no received e-mail carried.
 */
async function completeness(
  db: Db,
  delivery: AlertDelivery,
  releasedAt: ReadonlyMap<string, number>,
  latest: (gid: string) => string,
  delivered: ReadonlySet<string>,
): Promise<{ expected: number; missed: string[] }> {
  const inScope = new Set(
    [...delivery.announcedIn].filter(([, file]) => releasedAt.has(file)).map(([gid]) => latest(gid)),
  );
  const current = (await db.query<{ gid: string }>('SELECT gid FROM speeches')).map((r) => r.gid);
  const { matches } = await delivery.alerts.matcher.match(current.filter((g) => inScope.has(g)));
  const emails = new Map(
    (
      await db.query<{ id: string; email: string }>(
        "SELECT id, channel_settings->>'email' AS email FROM alert_subscriptions",
      )
    ).map((r) => [r.id, r.email]),
  );
  const missed = matches
    .filter((m) => !delivered.has(`${m.subscription.id} ${m.speech.gid}`))
    .map((m) => `${emails.get(m.subscription.id) ?? m.subscription.id} ${m.speech.gid}`);
  return { expected: matches.length, missed };
}

/** Follows gid_redirects (a → b → …) to the gid a speech has in the latest version of its day. */
async function latestGid(db: Db): Promise<(gid: string) => string> {
  const rows = await db.query<{ old_gid: string; new_gid: string }>(
    'SELECT old_gid, new_gid FROM gid_redirects',
  );
  const next = new Map(rows.map((r) => [r.old_gid, r.new_gid]));
  return (gid) => {
    let g = gid;
    for (let hops = 0; next.has(g) && hops < 32; hops++) g = next.get(g)!;
    return g;
  };
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`bench timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
