/**
 * The subscribe endpoints against abuse (issue #18): the per-IP limit on every subscribe
 * route, one byte-identical answer whatever the address's state (no enumeration), a
 * confirmation e-mail that cannot carry a stranger's message, the hourly cap on those
 * e-mails, and the alert routes counted under the site's general limit. Real Postgres,
 * a real SMTP server, the real routes.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlerts, type Alerts } from '../../src/alert/alerts.js';
import { SUBSCRIBE_ANSWER } from '../../src/alert/subscription-service.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import { RETENTION } from '../../src/app/runtime.js';
import type { Db } from '../../src/store/db.js';
import { alertsPlugin } from '../../src/web/alerts/plugin.js';
import { rateLimiter } from '../../src/web/api/rate-limit.js';
import { webPlugin } from '../../src/web/api/web.js';
import { buildServer } from '../../src/web/server.js';
import { freshStore } from '../support/db.js';
import { offlinePipeline } from '../web/full-server.js';
import {
  linkIn,
  loadMiniMembers,
  local,
  silent,
  sleep,
  startSmtp,
  testSettings,
  waitFor,
  type TestSmtp,
} from './support.js';

/** A logger whose lines the test can read. */
function capturingLog(): { log: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

interface Site {
  alerts: Alerts;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The site's form route and the alert routes on one server, as src/web/server.ts has them. */
async function site(db: Db, alerts: Alerts): Promise<Site> {
  const app = Fastify({ logger: false });
  await app.register(webPlugin, { db, subscriptions: alerts.service, rateLimit: false });
  await app.register(alertsPlugin, { alerts, rateLimit: false });
  await app.ready();
  alerts.start(100);
  return {
    alerts,
    app,
    async close() {
      await alerts.close();
      await app.close();
    },
  };
}

type Route = 'api' | 'form-json' | 'form-urlencoded' | 'form-html';
const ROUTES: Route[] = ['api', 'form-json', 'form-urlencoded', 'form-html'];

function subscribe(
  app: FastifyInstance,
  route: Route,
  fields: Record<string, string>,
  ip = '192.0.2.1',
): Promise<LightMyRequestResponse> {
  if (route === 'api')
    return app.inject({ method: 'POST', url: '/api/v1/alerts', payload: fields, remoteAddress: ip });
  if (route === 'form-json')
    return app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: fields, remoteAddress: ip });
  return app.inject({
    method: 'POST',
    url: '/api/v1/subscriptions',
    payload: new URLSearchParams(fields).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: route === 'form-html' ? 'text/html,application/xhtml+xml' : 'application/json',
    },
    remoteAddress: ip,
  });
}

/** What a client can see of an answer: status, headers (but the date) and body bytes. */
function visible(res: LightMyRequestResponse) {
  const { date: _date, ...headers } = res.headers;
  return { status: res.statusCode, headers, body: res.body };
}

describe('subscribing: per-IP limits, one answer, safe confirmation e-mails', () => {
  let db: Db;
  let smtp: TestSmtp;
  let s: Site;
  const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    smtp = await startSmtp();
    const alerts = createAlerts({
      db,
      settings: testSettings({ smtpUrl: smtp.url, perIp: 5, perAddress: 4 }),
      log: silent,
    });
    s = await site(db, alerts);
  });

  afterAll(async () => {
    await s?.close();
    await smtp?.close();
    await db?.close();
  });

  it('limits each client on every subscribe route, the form as much as the API', async () => {
    // 30 posts with 30 addresses from one client (the probe of issue #18 got 30 × 202 and 30 e-mails).
    for (const [n, route] of ROUTES.entries()) {
      const ip = `198.51.100.${n + 1}`;
      const codes: number[] = [];
      for (let i = 0; i < 30; i++)
        codes.push(
          (await subscribe(s.app, route, { email: `r${n}-${i}@example.org`, q: 'nhs' }, ip)).statusCode,
        );
      expect(codes, route).toEqual([...Array<number>(5).fill(202), ...Array<number>(25).fill(429)]);
      const limited = await subscribe(s.app, route, { email: `r${n}-x@example.org`, q: 'nhs' }, ip);
      expect(Number(limited.headers['retry-after']), route).toBeGreaterThan(0);
      if (route === 'form-html') {
        expect(limited.headers['content-type']).toContain('text/html');
        expect(limited.body).toContain('Too many subscription requests from your address');
      } else expect(limited.json<{ message: string }>().message).toMatch(/Too many subscription requests/);
    }
    // One budget per client across the routes.
    for (let i = 0; i < 3; i++)
      expect(
        (await subscribe(s.app, 'form-json', { email: `mix${i}@example.org`, q: 'nhs' }, '203.0.113.9'))
          .statusCode,
      ).toBe(202);
    for (let i = 3; i < 5; i++)
      expect(
        (await subscribe(s.app, 'api', { email: `mix${i}@example.org`, q: 'nhs' }, '203.0.113.9')).statusCode,
      ).toBe(202);
    expect(
      (await subscribe(s.app, 'form-json', { email: 'mix5@example.org', q: 'nhs' }, '203.0.113.9'))
        .statusCode,
    ).toBe(429);
    expect(
      (await subscribe(s.app, 'api', { email: 'mix6@example.org', q: 'nhs' }, '203.0.113.9')).statusCode,
    ).toBe(429);

    // 4 routes × 5 + 5 mixed: that many confirmations and no more.
    const queued = await db.query("SELECT 1 FROM alert_messages WHERE kind = 'confirm'");
    expect(queued).toHaveLength(25);
    await waitFor('25 confirmation e-mails', () => smtp.received.length >= 25);
    await s.alerts.dispatcher.idle();
    expect(smtp.received).toHaveLength(25);
  });

  it('answers new, pending, subscribed and over-limit addresses byte for byte the same, on every route', async () => {
    for (const [n, route] of ROUTES.entries()) {
      const email = `same${n}@example.org`;
      const fields = { email, q: 'hospital', tag: 'privatisation', frequency: 'daily' };
      const ip = `192.0.2.${10 + n}`;
      const asNew = await subscribe(s.app, route, fields, ip);
      const pending = await subscribe(s.app, route, fields, ip);
      // Both confirmations out before confirming (a confirmation still queued then is dropped).
      const confirmation = await waitFor('both confirmations', () => mailsTo(email)[1] && mailsTo(email)[0]);
      const token = new URL(
        linkIn(confirmation.text, 'https://alerts.example.org/alerts/confirm?token='),
      ).searchParams.get('token')!;
      const confirmed = await s.app.inject({ method: 'POST', url: '/alerts/confirm', payload: { token } });
      expect(confirmed.statusCode).toBe(200);
      const subscribed = await subscribe(s.app, route, fields, ip);
      // The address's fourth request today: over ALERT_SUBSCRIBE_PER_ADDRESS_DAY (4 here).
      await subscribe(s.app, route, { ...fields, q: 'trust' }, ip);
      const overLimit = await subscribe(s.app, route, fields, ip);

      expect(asNew.statusCode, route).toBe(202);
      for (const res of [pending, subscribed, overLimit]) expect(visible(res), route).toEqual(visible(asNew));
      if (route === 'form-html') {
        expect(asNew.body).toContain(SUBSCRIBE_ANSWER.replace(/'/g, '&#39;'));
      } else expect(asNew.json(), route).toEqual({ message: SUBSCRIBE_ANSWER });
      expect(asNew.body).not.toMatch(/al_[A-Za-z0-9_-]{6,}|pending|active|confirmed/i);

      // The difference is in the mail only: the link, the link again, "you have it already".
      await waitFor('the notice', () => mailsTo(email).length >= 4).catch((err: unknown) => {
        throw new Error(`${String(err)}: ${JSON.stringify(mailsTo(email).map((m) => m.subject))}`);
      });
      await s.alerts.dispatcher.idle();
      const mails = mailsTo(email);
      expect(
        mails.map((m) => m.subject),
        route,
      ).toEqual([
        'Confirm your hansard-watch alert',
        'Confirm your hansard-watch alert',
        'Your hansard-watch alert',
        'Confirm your hansard-watch alert', // the 'trust' alert, a new one
      ]);
      expect(mails[2]!.text).toContain('This address already has this alert, so nothing has changed.');
      expect(mails[2]!.text).toContain('https://alerts.example.org/alerts/manage?token=');
      const rows = await db.query<{ status: string }>(
        "SELECT status FROM alert_subscriptions WHERE channel_settings->>'email' = $1 ORDER BY created_at",
        [email],
      );
      expect(rows.map((r) => r.status)).toEqual(['active', 'pending']);
    }
  });

  it('keeps the requester’s words out of the subject, and quotes them in the body defanged and capped', async () => {
    const phishing = `URGENT your bank account is suspended, verify at https://bank-verify.example/login?id=1 or www.bank-verify.example or mail help@bank-verify.example ${'now '.repeat(200)}`;
    expect(phishing.length).toBeGreaterThan(500);
    const res = await subscribe(
      s.app,
      'api',
      { email: 'victim@example.org', q: phishing.slice(0, 500) },
      '192.0.2.99',
    );
    expect(res.statusCode, res.body).toBe(202);
    const mail = await waitFor('the confirmation', () => mailsTo('victim@example.org')[0]);
    expect(mail.subject).toBe('Confirm your hansard-watch alert');
    const quoted = /“([^”]*)”/.exec(mail.text)?.[0] ?? '';
    expect(
      quoted.startsWith('“URGENT your bank account is suspended, verify at https[:]//bank-verify[.]'),
    ).toBe(true);
    expect(Array.from(quoted).length).toBeLessThanOrEqual(80);
    expect(quoted.endsWith('…”')).toBe(true);
    for (const body of [mail.text, mail.html]) {
      expect(body).not.toContain('bank-verify.example');
      expect(body).not.toContain('help@');
      // The only links are the server's own.
      const urls = body.match(/[a-z][a-z0-9+.-]*:\/\/[^\s"<>]*/gi) ?? [];
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url).toMatch(/^https:\/\/alerts\.example\.org\/alerts\/confirm\?token=/);
    }
    expect(mail.html.match(/href="[^"]*"/g)).toEqual([
      expect.stringMatching(/^href="https:\/\/alerts\.example\.org\//),
    ]);
    // The confirm page (reached only with the token) still shows the words as typed, escaped.
    const link = linkIn(mail.text, 'https://alerts.example.org/alerts/confirm?token=');
    const page = await s.app.inject({ method: 'GET', url: local(link) });
    expect(page.body).toContain('https://bank-verify.example/login?id=1');
    expect(page.body).not.toMatch(/<a [^>]*bank-verify/);
  });
});

describe('the hourly cap on confirmation e-mails', () => {
  let db: Db;
  let smtp: TestSmtp;
  const sites: Site[] = [];

  beforeAll(async () => {
    db = await freshStore('postgres');
    smtp = await startSmtp();
  });

  afterEach(async () => {
    for (const x of sites.splice(0)) await x.close();
  });

  afterAll(async () => {
    await smtp?.close();
    await db?.close();
  });

  it('answers as usual past the cap, sends nothing more, and logs it once an hour', async () => {
    // The cap counts per clock hour: keep the test inside one.
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 15_000) await sleep(toNextHour + 500);
    const settings = testSettings({ smtpUrl: smtp.url, confirmMailsPerHour: 3 });
    const one = capturingLog();
    const two = capturingLog();
    sites.push(await site(db, createAlerts({ db, settings, log: one.log })));
    // A second process on the same database shares the cap.
    sites.push(await site(db, createAlerts({ db, settings, log: two.log })));
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 6; i++)
      answers.push(
        await subscribe(
          sites[i % 2]!.app,
          i % 2 ? 'form-json' : 'api',
          { email: `cap${i}@example.org`, q: 'nhs' },
          `192.0.2.${i + 1}`,
        ),
      );
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await db.query("SELECT 1 FROM alert_messages WHERE kind = 'confirm'")).toHaveLength(3);
    await waitFor('three e-mails', () => smtp.received.length >= 3);
    for (const x of sites) await x.alerts.dispatcher.idle();
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([
      'cap0@example.org',
      'cap1@example.org',
      'cap2@example.org',
    ]);
    // Requests past the cap store nothing either.
    expect(
      await db.query(
        "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' IN ('cap3@example.org', 'cap4@example.org', 'cap5@example.org')",
      ),
    ).toHaveLength(0);
    // Each process says so once (level 50 = error), naming the setting.
    for (const { lines } of [one, two]) {
      const errors = lines.filter((l) => l.level >= 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg).toMatch(/hourly cap on confirmation e-mails reached/);
      expect(errors[0]).toMatchObject({ setting: 'ALERT_CONFIRM_MAILS_PER_HOUR', cap: 3 });
    }
  });
});

describe('the alert routes under the general rate limit', () => {
  let db: Db;
  let app: FastifyInstance;
  let alerts: Alerts;

  beforeAll(async () => {
    db = await freshStore('postgres');
    alerts = createAlerts({ db, settings: testSettings({ smtpUrl: 'smtp://127.0.0.1:9' }), log: silent });
    const queue = new MemoryQueue({
      retry: { attempts: 1, backoffMs: 100 },
      retention: RETENTION,
      log: silent,
    });
    const pipeline = offlinePipeline(db, queue);
    app = await buildServer({ db, pipeline, adminToken: 'test-admin-token-0123456789', log: silent, alerts });
  });

  afterAll(async () => {
    await app?.close();
    await alerts?.close();
    await db?.close();
  });

  const thousands = Array.from({ length: 9000 }, (_, i) => String(i + 1)).join(',');
  const bigList = (ip: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { channel: 'feed', person: thousands },
      remoteAddress: ip,
    });

  it('counts POST /api/v1/alerts, and refuses a 9,000-person list at once', async () => {
    const first = await bigList('203.0.113.51');
    expect(first.statusCode).toBe(400);
    expect(first.json<{ issues: { field: string; message: string }[] }>().issues).toEqual([
      { field: 'person', message: 'at most 50 values' },
    ]);
    // Before, these requests escaped the limiter: none was ever refused. Now the burst of
    // 60 runs out (a few more may refill while the loop runs).
    const codes: number[] = [];
    while (codes.length < 300 && !codes.includes(429)) codes.push((await bigList('203.0.113.50')).statusCode);
    expect(codes).toContain(429);
    expect(codes.indexOf(429)).toBeGreaterThanOrEqual(60);
    expect(new Set(codes.slice(0, -1))).toEqual(new Set([400]));
  });
});

describe('one general budget for the site and the alert routes', () => {
  let db: Db;
  let app: FastifyInstance;
  let alerts: Alerts;

  beforeAll(async () => {
    db = await freshStore('postgres');
    alerts = createAlerts({ db, settings: testSettings({ smtpUrl: 'smtp://127.0.0.1:9' }), log: silent });
    // Wired as src/web/server.ts wires it, with a limit that does not refill within the test.
    app = Fastify({ logger: false });
    const general = await rateLimiter(
      app,
      'general',
      { max: 4, windowSeconds: 3600 },
      'Too many requests from your address.',
    );
    await app.register(webPlugin, { db, subscriptions: alerts.service, generalLimiter: general });
    await app.register(alertsPlugin, { alerts, rateLimit: general });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await alerts?.close();
    await db?.close();
  });

  it('spends one budget on either', async () => {
    const get = (url: string, ip: string) => app.inject({ method: 'GET', url, remoteAddress: ip });
    const post = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        payload: { channel: 'feed', person: '1,2' },
        remoteAddress: ip,
      });
    // Site first, then the alert routes.
    expect((await get('/api/v1/nothing-here', '192.0.2.1')).statusCode).toBe(404);
    expect((await get('/api/v1/nothing-here', '192.0.2.1')).statusCode).toBe(404);
    expect((await post('192.0.2.1')).statusCode).toBe(400);
    expect((await get('/alerts/manage', '192.0.2.1')).statusCode).toBe(200);
    expect((await post('192.0.2.1')).statusCode).toBe(429);
    expect((await get('/api/v1/nothing-here', '192.0.2.1')).statusCode).toBe(429);
    // Alert routes first, then the site.
    for (let i = 0; i < 4; i++) expect((await post('192.0.2.2')).statusCode).toBe(400);
    expect((await get('/api/v1/nothing-here', '192.0.2.2')).statusCode).toBe(429);
    expect((await get('/subscribe', '192.0.2.2')).statusCode).toBe(429);
  });
});
