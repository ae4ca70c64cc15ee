/**
 * The whole e-mail path, end to end, with real parts: subscribe over HTTP → confirmation
 * e-mail from a real SMTP server → confirm → files appear on the local pwdata feed → the
 * pipeline ingests them and runs the alerts hook → one e-mail per matching speech, with
 * highlighted excerpts and links; a revised version of the day alerts only what is new;
 * a daily digest groups everything in one e-mail; the one-click unsubscribe works
 * without logging in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFeed } from '../../src/feed/open-feed.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { assemblePipeline, RETENTION } from '../../src/app/runtime.js';
import type { Db } from '../../src/store/db.js';
import { subscribeAlerts } from '../../src/app/subscriptions.js';
import { SUBSCRIBE_ANSWER } from '../../src/alert/subscription-service.js';
import { freshStore } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import {
  harness,
  linkIn,
  loadMiniMembers,
  local,
  mini,
  miniGid,
  silent,
  sleep,
  startSmtp,
  testSettings,
  waitFor,
  type Harness,
  type ReceivedMail,
  type TestSmtp,
} from './support.js';

const QUERY = 'contract OR tender OR "private contractor"';

describe('e-mail alerts from subscription to unsubscribe', () => {
  let db: Db;
  let smtp: TestSmtp;
  let h: Harness;
  let feedServer: PwdataServer;
  let pipeline: Pipeline;
  const to = (address: string) => smtp.received.filter((m) => m.to.includes(address));
  const alertsTo = (address: string) => to(address).filter((m) => !m.subject.startsWith('Confirm'));

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    smtp = await startSmtp();
    h = await harness(db, testSettings({ smtpUrl: smtp.url }));
    feedServer = await startPwdataServer({ root: mini, releaseOrder: 'manual' });
    const queue = new MemoryQueue({
      retry: { attempts: 10, backoffMs: 100 },
      retention: RETENTION,
      log: silent,
    });
    const feed = openFeed({
      baseUrl: feedServer.url,
      minIntervalMs: 0,
      timeoutMs: 5000,
      attempts: 3,
      baseDelayMs: 20,
      log: silent,
    });
    pipeline = assemblePipeline({
      db,
      queue,
      feed,
      log: silent,
      settings: {
        types: ['debates'],
        peopleRefreshHours: 24,
        backfillPerMinute: 6000,
        concurrency: 2,
        fetchPerMinute: 100_000,
        schedule: { everyMs: 200 },
      },
    }).pipeline;
    subscribeAlerts(pipeline.deps.events, h.alerts);
    pipeline.startWorkers();
    await pipeline.startSchedule();
  });

  afterAll(async () => {
    await pipeline?.stop(5000);
    await h?.close();
    await feedServer?.close();
    await smtp?.close();
    await db?.close();
  });

  const subscribe = (email: string, frequency: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { email, q: QUERY, frequency } });

  async function confirm(mail: ReceivedMail): Promise<string> {
    const link = linkIn(mail.text, 'https://alerts.example.org/alerts/confirm?token=');
    // GET shows a button and changes nothing (mail scanners follow links).
    const shown = await h.app.inject({ method: 'GET', url: local(link) });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Confirm and start the alerts');
    const token = new URL(link).searchParams.get('token')!;
    const done = await h.app.inject({
      method: 'POST',
      url: '/alerts/confirm',
      payload: `token=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Alert confirmed');
    return linkIn(done.body, 'https://alerts.example.org/alerts/feed/');
  }

  let aliceFeed = '';

  it('sends a confirmation e-mail, and nothing else, on subscribing', async () => {
    for (const [who, freq] of [
      ['alice@example.org', 'immediate'],
      ['bob@example.org', 'daily'],
      ['carol@example.org', 'immediate'],
    ] as const) {
      const res = await subscribe(who, freq);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toEqual({ message: SUBSCRIBE_ANSWER });
    }
    expect(
      await db.query(
        "SELECT channel_settings->>'email' AS email, status, channel, query_tsquery FROM alert_subscriptions WHERE channel_settings->>'email' IN ('alice@example.org', 'bob@example.org', 'carol@example.org') ORDER BY email",
      ),
    ).toEqual(
      ['alice', 'bob', 'carol'].map((who) => ({
        email: `${who}@example.org`,
        status: 'pending',
        channel: 'email',
        query_tsquery: "'contract' | 'tender' | 'privat' <-> 'contractor'",
      })),
    );
    await waitFor('three confirmation e-mails', () => smtp.received.length >= 3);
    const mail = to('alice@example.org')[0]!;
    expect(mail.subject).toMatch(/^Confirm your hansard-watch alert/);
    expect(mail.text).toContain('nothing will be sent to you');
    aliceFeed = await confirm(mail);
    await confirm(to('bob@example.org')[0]!);
    // carol never confirms.
  });

  /** TheyWorkForYou ids of the speeches in mails, once per appearance. */
  const idsIn = (mails: readonly ReceivedMail[]) =>
    mails.flatMap((m) =>
      [...m.text.matchAll(/theyworkforyou\.com\/debates\/\?id=([^\s&]+)/g)].map((x) => x[1]!),
    );

  it('alerts once per matching speech when a day appears on the feed, in one e-mail, with excerpts and links', async () => {
    feedServer.release(1); // debates2030-01-07a.xml
    const mails = await waitFor('the roll-up to alice', () =>
      alertsTo('alice@example.org').length >= 1 ? alertsTo('alice@example.org') : false,
    );
    await sleep(500);
    expect(alertsTo('alice@example.org')).toHaveLength(1);
    expect(idsIn(mails).sort()).toEqual(['2030-01-07a.10.1', '2030-01-07a.10.2']);

    const contract = mails[0]!;
    expect(contract.subject).toBe('2 new matches — contract OR tender OR "private contractor"');
    expect(contract.text).toContain('“*contract* is worth £12 million');
    expect(contract.html).toMatch(/<mark[^>]*>contract<\/mark> is worth £12 million/);
    expect(contract.text).toContain(
      'TheyWorkForYou: https://www.theyworkforyou.com/debates/?id=2030-01-07a.10.2',
    );
    expect(contract.text).toContain('Hansard: http://example.org/cm300107/debtext/0001.htm#c');
    expect(contract.html).toContain('href="https://www.theyworkforyou.com/debates/?id=2030-01-07a.10.2"');
    expect(contract.text).toContain('a *private* *contractor* for seven years');
    // This site's page for each speech too (issue #15).
    expect(contract.text).toContain(
      'Read it on hansard-watch: https://alerts.example.org/speeches/uk.org.publicwhip/debate/2030-01-07a.10.2',
    );
    expect(contract.headers.get('list-unsubscribe')).toMatch(
      /^<https:\/\/alerts\.example\.org\/alerts\/unsubscribe\?token=[^>]+>$/,
    );
    expect(contract.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(to('bob@example.org')).toHaveLength(1); // daily: only the confirmation so far
    expect(to('carol@example.org')).toHaveLength(1); // unconfirmed: only the confirmation, ever
  });

  it('the Atom feed lists the matches at its unguessable address', async () => {
    const res = await h.app.inject({ method: 'GET', url: local(aliceFeed) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/atom+xml');
    expect(res.body.match(/<entry>/g)).toHaveLength(2);
    expect(res.body).toContain('tag:hansard-watch,2024:alert/');
    expect(
      (await h.app.inject({ method: 'GET', url: '/alerts/feed/not-the-right-token-at-all' })).statusCode,
    ).toBe(404);
  });

  it('a revised version of the day alerts only the speech that is new', async () => {
    feedServer.release(1); // debates2030-01-07b.xml: 10.1 unchanged, 10.2 revised (already alerted), 10.3 new
    await waitFor('the alert for b.10.3', () =>
      alertsTo('alice@example.org').some((m) => m.text.includes('2030-01-07b.10.3')),
    );
    await waitFor(
      'b to be ingested and announced',
      async () => (await db.query('SELECT 1 FROM feed_versions')).length === 2,
    );
    await sleep(800);
    expect(idsIn(alertsTo('alice@example.org')).sort()).toEqual([
      '2030-01-07a.10.1',
      '2030-01-07a.10.2',
      '2030-01-07b.10.3',
    ]);
    const tender = alertsTo('alice@example.org').find((m) => m.text.includes('b.10.3'))!;
    expect(tender.text).toContain('publish the *tender* documents');
  });

  it('replaying the announcements (a crashed worker) sends nothing again', async () => {
    const before = smtp.received.length;
    const gids = (await db.query<{ gid: string }>('SELECT gid FROM speeches')).map((r) => r.gid);
    const again = await h.alerts.handleSpeeches([...gids, miniGid('a.10.1'), miniGid('a.10.2')]);
    expect(again.recorded).toBe(0);
    await sleep(500);
    expect(smtp.received.length).toBe(before);
  });

  it('a daily digest sends one e-mail grouping the speeches by debate', async () => {
    const tomorrowMorning = new Date(Date.now() + 36 * 3_600_000);
    expect(await h.alerts.dispatcher.runDigests(tomorrowMorning)).toBe(1);
    expect(await h.alerts.dispatcher.runDigests(tomorrowMorning)).toBe(0); // once per period
    h.alerts.dispatcher.kick();
    const digest = await waitFor('bob’s digest', () => alertsTo('bob@example.org')[0]);
    await sleep(300);
    expect(alertsTo('bob@example.org')).toHaveLength(1);
    expect(digest.subject).toMatch(/^Daily digest: 3 new matches — contract OR tender/);
    expect(digest.text.match(/^-- Community Health Services \(7 January 2030\) --$/gm)).toHaveLength(1);
    for (const id of ['2030-01-07a.10.1', '2030-01-07a.10.2', '2030-01-07b.10.3'])
      expect(digest.text.split(`?id=${id}`).length - 1).toBe(1);
    expect(digest.headers.get('list-unsubscribe')).toContain('/alerts/unsubscribe?token=');
  });

  it('unsubscribes with one click from the List-Unsubscribe header, without logging in', async () => {
    const mail = alertsTo('alice@example.org')[0]!;
    const url = mail.headers.get('list-unsubscribe')!.slice(1, -1);
    // The link in the body shows a page with a button (GET must not unsubscribe).
    const bodyLink = linkIn(mail.text, 'https://alerts.example.org/alerts/unsubscribe?token=');
    const page = await h.app.inject({ method: 'GET', url: local(bodyLink) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Stop alerts for');
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'alice@example.org'",
        )
      ).length,
    ).toBe(1);
    // RFC 8058: the mail provider POSTs List-Unsubscribe=One-Click to the header's URL.
    const res = await h.app.inject({
      method: 'POST',
      url: local(url),
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Unsubscribed');
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'alice@example.org'",
        )
      ).length,
    ).toBe(0);
    const tampered = url.replace(/token=([^&]{5})/, 'token=XXXXX');
    expect((await h.app.inject({ method: 'POST', url: local(tampered) })).statusCode).toBe(400);
  });
});
