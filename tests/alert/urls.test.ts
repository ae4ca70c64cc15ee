/**
 * Links from the source XML reach e-mails, Atom feeds and webhook payloads only as
 * absolute http(s) URLs: a speech whose `url` is `javascript:alert(1)` (or data:, or
 * relative) is delivered without that link, through real SMTP, a real feed request and
 * a real webhook receiver.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeWebUrl } from '../../src/alert/render/safe-url.js';
import type { WebhookPayload } from '../../src/alert/render/webhook-payload.js';
import { parseAllowList } from '../../src/alert/webhook/target-policy.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick } from '../support/ingest.js';
import {
  harness,
  local,
  startReceiver,
  startSmtp,
  tableResolver,
  testSettings,
  waitFor,
  type Harness,
  type TestReceiver,
  type TestSmtp,
} from './support.js';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'alert-urls');
const GOOD = 'https://publications.example.org/cm300109/debtext/0020.htm#good';
const BAD = [/javascript:/i, /data:text/i, /relative-3\.htm/, /alert\(\d\)/];

describe('safeWebUrl', () => {
  it.each([
    ['javascript:alert(1)', null],
    [' JaVaScRiPt:alert(1)', null],
    ['java\nscript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['/cm300109/relative.htm', null],
    ['cm300109/relative.htm', null],
    ['//evil.example/x', null],
    ['https://user:pw@example.org/x', null],
    ['http://', null],
    ['ftp://example.org/x', null],
    ['', null],
    ['http://example.org/cm/0001.htm#c', 'http://example.org/cm/0001.htm#c'],
    [' https://Example.org/a b ', 'https://example.org/a%20b'],
  ])('%j → %j', (raw, expected) => {
    expect(safeWebUrl(raw)).toBe(expected);
  });
});

describe('links from the source in e-mails, feeds and webhooks', () => {
  let db: Db;
  let smtp: TestSmtp;
  let receiver: TestReceiver;
  let h: Harness;

  beforeAll(async () => {
    db = await freshStore('postgres');
    smtp = await startSmtp();
    receiver = await startReceiver();
    h = await harness(
      db,
      testSettings({ smtpUrl: smtp.url, allowList: parseAllowList('127.0.0.1').entries }),
      tableResolver({}),
    );
  });

  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await smtp?.close();
    await db?.close();
  });

  it('drops javascript:, data: and relative URLs and keeps the https one', async () => {
    const operator = { operator: { confirmed: true } };
    const mail = await h.alerts.service.create(
      { channel: 'email', email: 'reader@example.org', q: 'contract' },
      operator,
    );
    const digest = await h.alerts.service.create(
      { channel: 'email', email: 'digest@example.org', q: 'contract', frequency: 'daily' },
      operator,
    );
    const feed = await h.alerts.service.create({ channel: 'feed', q: 'contract' }, operator);
    await h.alerts.service.create(
      { channel: 'webhook', url: `${receiver.url}/hook`, q: 'contract' },
      operator,
    );
    expect([mail, digest, feed].map((o) => o.subscription.status)).toEqual(['active', 'active', 'active']);

    const day = await ingest(db, pick(FIXTURE, 'debates2030-01-09a.xml'), null);
    expect(day.changedSpeechGids).toHaveLength(5);
    await h.alerts.handleSpeeches(day.changedSpeechGids);
    // One roll-up for the reader's five matches (issue #20).
    await waitFor('the alert e-mail', () => smtp.received.length >= 1);
    await waitFor('five webhook deliveries', () => receiver.requests.length >= 5);
    await h.alerts.dispatcher.runDigests(new Date(Date.now() + 2 * 86_400_000));
    h.alerts.dispatcher.kick();
    await waitFor('the digest', () => smtp.received.some((m) => m.to.includes('digest@example.org')));
    await h.alerts.dispatcher.idle();

    // Every alert e-mail, text and HTML, and the digest.
    expect(smtp.received).toHaveLength(2);
    for (const m of smtp.received) {
      for (const bad of BAD) {
        expect(m.text, m.subject).not.toMatch(bad);
        expect(m.html, m.subject).not.toMatch(bad);
      }
      expect(m.html).not.toMatch(/href="(?!https?:\/\/)/);
    }
    const rollup = smtp.received.find((m) => m.to.includes('reader@example.org'))!;
    expect(rollup.text).toContain(`Hansard: ${GOOD}`);
    expect(rollup.html).toMatch(
      new RegExp(`<a href="${GOOD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>Hansard</a>`),
    );
    // Only the one good source link survives; the TheyWorkForYou link is built by the project, and stays.
    expect(rollup.text.split('Hansard: ').length - 1).toBe(1);
    expect(rollup.text).toContain(
      'TheyWorkForYou: https://www.theyworkforyou.com/debates/?id=2030-01-09a.20.1',
    );
    const theDigest = smtp.received.find((m) => m.to.includes('digest@example.org'))!;
    expect(theDigest.text.split('Hansard: ').length - 1).toBe(1);

    // The Atom feed.
    const atom = await h.app.inject({ method: 'GET', url: local(feed.feedUrl!) });
    expect(atom.statusCode).toBe(200);
    expect(atom.body.match(/<entry>/g)).toHaveLength(5);
    for (const bad of BAD) expect(atom.body).not.toMatch(bad);
    expect(atom.body).toContain(`Official Report (Hansard)`);
    expect(atom.body.split('Official Report (Hansard)').length - 1).toBe(1);

    // The webhook payloads.
    const speeches = receiver.requests.flatMap((r) => (JSON.parse(r.body) as WebhookPayload).speeches);
    expect(speeches).toHaveLength(5);
    expect(speeches.map((s) => s.hansardUrl).sort()).toEqual([GOOD, null, null, null, null]);
    for (const r of receiver.requests) for (const bad of BAD) expect(r.body).not.toMatch(bad);
  });
});
