/**
 * Bad input gets a 400 naming the field, and nothing is stored: e-mail addresses, keyword
 * syntax, unknown tags and people, and webhook targets on loopback, private, link-local
 * and metadata addresses — given as IPs or as names that resolve to them. The subscribe
 * endpoint is rate-limited per client IP and per e-mail address.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { SUBSCRIBE_ANSWER } from '../../src/alert/subscription-service.js';
import { parseAllowList, TargetPolicy } from '../../src/alert/webhook/target-policy.js';
import { freshStore } from '../support/db.js';
import { harness, loadMiniMembers, tableResolver, testSettings, type Harness } from './support.js';

const resolver = tableResolver({
  localhost: ['127.0.0.1', '::1'],
  'metadata.internal': ['169.254.169.254'],
  'intranet.example': ['10.20.30.40'],
  'sneaky.example': ['93.184.216.34', '192.168.1.10'],
  'v6private.example': ['fd00::1'],
  'hooks.example.org': ['93.184.216.34'],
  'sixtofour.example': ['2606:4700::1111', '2002:7f00:1::1'],
  'v6public.example': ['2606:4700::1111'],
});

describe('subscription input', () => {
  let db: Db;
  let h: Harness;
  let apiKey: string;

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    h = await harness(db, testSettings({ smtpUrl: 'smtp://127.0.0.1:9' }), resolver, false);
    apiKey = (await h.alerts.service.createApiKey('tests')).key;
  });

  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  beforeEach(async () => {
    await db.query('DELETE FROM alert_subscriptions');
  });

  const stored = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_subscriptions'))[0]!.n;
  const queued = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_messages'))[0]!.n;

  async function refused(
    payload: Record<string, unknown>,
    field: string,
    message: RegExp,
    auth = false,
  ): Promise<void> {
    const before = await queued();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload,
      ...(auth ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
    });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json<{ issues: { field: string; message: string }[] }>();
    expect(body.issues.find((i) => i.field === field)?.message ?? JSON.stringify(body.issues)).toMatch(
      message,
    );
    expect(await stored()).toBe(0);
    expect(await queued()).toBe(before);
  }

  it('refuses bad e-mail addresses', async () => {
    await refused({ email: 'not-an-address', q: 'nhs' }, 'email', /email address/);
    await refused({ email: 'a@b', q: 'nhs' }, 'email', /email address/);
    await refused({ email: 'x'.repeat(250) + '@example.org', q: 'nhs' }, 'email', /email address|at most/);
    await refused({ q: 'nhs' }, 'email', /required/);
  });

  it('refuses keyword queries it cannot use, saying why', async () => {
    await refused({ email: 'a@example.org', q: '"private sector' }, 'q', /closing "/);
    await refused({ email: 'a@example.org', q: 'OR privatisation' }, 'q', /OR without words on both sides/);
    await refused({ email: 'a@example.org', q: 'nhs OR' }, 'q', /OR without words/);
    await refused({ email: 'a@example.org', q: 'nhs OR OR trust' }, 'q', /OR twice/);
    await refused({ email: 'a@example.org', q: 'the and of' }, 'q', /no words that can be searched/);
    await refused({ email: 'a@example.org', q: '!!! ???' }, 'q', /no words that can be searched/);
    await refused({ email: 'a@example.org', q: '-wales' }, 'q', /only excludes words/);
    await refused({ email: 'a@example.org', q: 'nhs -' }, 'q', /- that is not followed/);
    await refused({ email: 'a@example.org' }, 'q', /words to search for, a tag or a person/);
  });

  it('refuses unknown tags, people, houses and fields', async () => {
    await refused(
      { email: 'a@example.org', tag: 'nonsense' },
      'tag',
      /unknown tag nonsense; known: privatisation/,
    );
    await refused({ email: 'a@example.org', person: '99999999' }, 'person', /no MP or peer/);
    await refused({ email: 'a@example.org', person: 'bob' }, 'person', /person id like 10586/);
    await refused({ email: 'a@example.org', q: 'nhs', house: 'house-of-cards' }, 'house', /must be one of/);
    await refused({ email: 'a@example.org', q: 'nhs', frequency: 'hourly' }, 'frequency', /must be one of/);
    await refused({ email: 'a@example.org', q: 'nhs', colour: 'red' }, 'colour', /not a known field/);
    await refused({ email: 'a@example.org', q: 'nhs', minConfidence: 2 }, 'minConfidence', /from 0 to 1/);
  });

  it('accepts good input: a query that only excludes words is fine beside a person', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { email: 'Ann@Example.org', q: '-wales', person: '90001', tag: ['privatisation'] },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ message: SUBSCRIBE_ANSWER });
    const rows = await db.query(
      "SELECT channel_settings->>'email' AS email, person_ids, tags, query_tsquery, status FROM alert_subscriptions",
    );
    expect(rows).toEqual([
      {
        email: 'ann@example.org',
        person_ids: ['uk.org.publicwhip/person/90001'],
        tags: ['privatisation'],
        query_tsquery: "!'wale'",
        status: 'pending',
      },
    ]);
    // The same again is not a second subscription: the confirmation is queued again.
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { email: 'ann@example.org', q: '-wales', person: '90001', tag: 'privatisation' },
    });
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(res.body);
    expect(await stored()).toBe(1);
    expect(
      (
        await db.query(
          "SELECT kind FROM alert_messages WHERE kind = 'confirm' AND subscription_id IS NOT NULL",
        )
      ).length,
    ).toBe(2);
  });

  it('bounds lists before looking anything up: 9,000 people are a 400, not 9,000 queries', async () => {
    const many = Array.from({ length: 9000 }, (_, i) => String(i + 1)).join(',');
    for (const field of ['person', 'tag', 'house', 'type'])
      await refused({ email: 'a@example.org', q: 'nhs', [field]: many }, field, /at most 50 values/);
    await refused(
      { email: 'a@example.org', q: 'nhs', person: Array.from({ length: 60 }, () => '90001') },
      'person',
      /at most 50 values/,
    );
    // Within the list bound, but over what a subscription may follow.
    const people = Array.from({ length: 21 }, (_, i) => String(90001 + i)).join(',');
    await refused({ email: 'a@example.org', person: people }, 'person', /at most 20 people/);
    // Several unknown people are named in one issue, found with one query.
    await refused({ email: 'a@example.org', person: '90001,99998,99999' }, 'person', /ids 99998, 99999/);
    // The operator's path (CLI) has the same bound.
    await expect(
      h.alerts.service.create(
        { channel: 'feed', q: 'nhs', persons: many.split(',') },
        { operator: { confirmed: true } },
      ),
    ).rejects.toThrow(/person: at most 50 values/);
  });

  const badTargets: [string, RegExp][] = [
    ['https://127.0.0.1/hook', /127\.0\.0\.1 is a loopback, private/],
    ['https://127.1.2.3:8443/hook', /loopback, private/],
    ['https://10.0.0.1/hook', /10\.0\.0\.1 is a loopback, private/],
    ['https://10.255.1.2/hook', /loopback, private/],
    ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254/],
    ['https://[::1]/hook', /::1 is a loopback/],
    ['https://[::ffff:127.0.0.1]/hook', /loopback/],
    ['https://[::ffff:a9fe:a9fe]/hook', /loopback, private/],
    ['https://0.0.0.0/hook', /loopback, private/],
    // IPv6 forms that carry an IPv4 address (issue #18: `[::127.0.0.1]` was accepted).
    [
      'https://[::127.0.0.1]:18099/',
      /::7f00:1 is an IPv4-compatible IPv6 address embedding 127\.0\.0\.1, a loopback/,
    ],
    ['https://[::a9fe:a9fe]/hook', /IPv4-compatible IPv6 address embedding 169\.254\.169\.254/],
    ['https://[::ffff:8.8.8.8]/hook', /IPv4-mapped IPv6 address embedding 8\.8\.8\.8; IPv6 forms/],
    ['https://[::ffff:0:a00:1]/hook', /SIIT\) IPv6 address embedding 10\.0\.0\.1, a loopback/],
    ['https://[64:ff9b::a9fe:a9fe]/hook', /NAT64 IPv6 address embedding 169\.254\.169\.254/],
    ['https://[64:ff9b::808:808]/hook', /NAT64 IPv6 address embedding 8\.8\.8\.8;/],
    ['https://[64:ff9b:1::a00:1]/hook', /local-use NAT64 IPv6 address embedding an IPv4 address/],
    ['https://[2002:a00:1::1]/hook', /6to4 IPv6 address embedding 10\.0\.0\.1, a loopback/],
    [
      'https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook',
      /Teredo IPv6 address embedding 127\.0\.0\.1, a loopback/,
    ],
    ['https://sixtofour.example/hook', /sixtofour\.example resolves to 2002:7f00:1::1, a 6to4 IPv6 address/],
    ['https://localhost/hook', /localhost resolves to 127\.0\.0\.1/],
    ['https://metadata.internal/computeMetadata', /metadata\.internal resolves to 169\.254\.169\.254/],
    ['https://intranet.example/hook', /intranet\.example resolves to 10\.20\.30\.40/],
    ['https://sneaky.example/hook', /sneaky\.example resolves to 192\.168\.1\.10/],
    ['https://v6private.example/hook', /resolves to fd00::1/],
    ['https://nowhere.invalid/hook', /could not be resolved/],
    ['http://hooks.example.org/hook', /must use https/],
    ['https://user:pw@hooks.example.org/hook', /user name or password/],
    ['ftp://hooks.example.org/hook', /https/],
    ['not a url', /absolute https/],
  ];

  it.each(badTargets)('refuses the webhook target %s', async (url, message) => {
    await refused({ channel: 'webhook', url, q: 'nhs' }, 'url', message, true);
  });

  it('accepts public IPv6 targets, literal or resolved', async () => {
    const policy = new TargetPolicy([], resolver);
    await expect(policy.check('https://[2606:4700::1111]/hook')).resolves.toHaveLength(1);
    await expect(policy.check('https://v6public.example/hook')).resolves.toEqual([
      { address: '2606:4700::1111', family: 6 },
    ]);
  });

  it('accepts a public webhook target, and needs an API key for webhooks', async () => {
    const anonymous = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { channel: 'webhook', url: 'https://hooks.example.org/hook', q: 'nhs' },
    });
    expect(anonymous.statusCode).toBe(400);
    expect(anonymous.json<{ issues: { field: string }[] }>().issues[0]?.field).toBe('channel');
    const wrongKey = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { channel: 'webhook', url: 'https://hooks.example.org/hook', q: 'nhs' },
      headers: { authorization: 'Bearer hwk_wrongwrongwrongwrongwrongwrong' },
    });
    expect(wrongKey.statusCode).toBe(401);
    expect(await stored()).toBe(0);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { channel: 'webhook', url: 'https://hooks.example.org/hook', q: 'nhs' },
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      status: 'active',
      channel: 'webhook',
      url: 'https://hooks.example.org/hook',
    });
    expect(ok.json<{ webhookSecret: string }>().webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.json<{ feedUrl: string }>().feedUrl).toMatch(
      /^https:\/\/alerts\.example\.org\/alerts\/feed\/[A-Za-z0-9_-]{32}$/,
    );
    const listed = await h.app.inject({
      method: 'GET',
      url: '/api/v1/alerts',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(listed.json<{ results: unknown[] }>().results).toHaveLength(1);
  });

  it('allows private targets that WEBHOOK_ALLOW_LIST names, and nothing else', async () => {
    const { entries, invalid } = parseAllowList('127.0.0.1, 10.1.0.0/16, hooks.internal, ::1, bad/99, ??');
    expect(invalid).toEqual(['bad/99', '??']);
    const policy = new TargetPolicy(
      entries,
      tableResolver({ 'hooks.internal': ['10.9.9.9'], 'other.internal': ['10.9.9.9'] }),
    );
    await expect(policy.check('http://127.0.0.1:8080/x')).resolves.toHaveLength(1);
    await expect(policy.check('https://10.1.200.3/x')).resolves.toHaveLength(1);
    await expect(policy.check('http://hooks.internal/x')).resolves.toHaveLength(1);
    await expect(policy.check('https://10.2.0.1/x')).rejects.toThrow(/loopback, private/);
    await expect(policy.check('https://other.internal/x')).rejects.toThrow(/resolves to 10\.9\.9\.9/);
    await expect(policy.check('http://other.internal/x')).rejects.toThrow(/must use https/);
  });
});

describe('subscribe rate limits', () => {
  let db: Db;
  let h: Harness;

  beforeAll(async () => {
    db = await freshStore('postgres');
    h = await harness(
      db,
      testSettings({ smtpUrl: 'smtp://127.0.0.1:9', perIp: 3, perAddress: 2 }),
      resolver,
      false,
    );
  });

  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const post = (email: string, ip: string, q = 'nhs') =>
    h.app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { email, q }, remoteAddress: ip });

  it('limits requests per client IP', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post(`ip${i}@example.org`, '203.0.113.7')).statusCode).toBe(202);
    const limited = await post('ip9@example.org', '203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json<{ message: string }>().message).toMatch(
      /Too many subscription requests from your address/,
    );
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'ip9@example.org'",
        )
      ).length,
    ).toBe(0);
    // Another client is not affected.
    expect((await post('ip9@example.org', '203.0.113.8')).statusCode).toBe(202);
    // An IPv6 client is its /64: changing the interface id does not reset the limit.
    for (let i = 1; i <= 3; i++)
      expect((await post(`v6-${i}@example.org`, `2001:db8:1:2::${i}`)).statusCode).toBe(202);
    expect((await post('v6-4@example.org', '2001:db8:1:2:ffff::4')).statusCode).toBe(429);
    expect((await post('v6-5@example.org', '2001:db8:1:3::5')).statusCode).toBe(202);
  });

  it('limits requests per e-mail address, from any IP, without saying so', async () => {
    const confirmations = async () =>
      (
        await db.query(
          "SELECT 1 FROM alert_messages m JOIN alert_subscriptions s ON s.id = m.subscription_id WHERE s.channel_settings->>'email' = 'target@example.org'",
        )
      ).length;
    const first = await post('target@example.org', '198.51.100.1', 'nhs');
    expect(first.statusCode).toBe(202);
    expect((await post('target@example.org', '198.51.100.2', 'trust')).statusCode).toBe(202);
    expect(await confirmations()).toBe(2);
    // Over the address's limit: the same answer (a 429 naming the address would tell a
    // prober about it), and nothing stored or sent.
    const limited = await post('target@example.org', '198.51.100.3', 'hospital');
    expect(limited.statusCode).toBe(202);
    expect(limited.body).toBe(first.body);
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'target@example.org'",
        )
      ).length,
    ).toBe(2);
    expect(await confirmations()).toBe(2);
  });

  it('shares the limits between processes on one database', async () => {
    // A second process serving the endpoint (another `start` behind the same balancer).
    const other = await harness(
      db,
      testSettings({ smtpUrl: 'smtp://127.0.0.1:9', perIp: 3, perAddress: 2 }),
      resolver,
      false,
    );
    try {
      const to = (app: Harness['app'], email: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/alerts',
          payload: { email, q: 'nhs' },
          remoteAddress: '192.0.2.50',
        });
      expect((await to(h.app, 'p1@example.org')).statusCode).toBe(202);
      expect((await to(other.app, 'p2@example.org')).statusCode).toBe(202);
      expect((await to(h.app, 'p3@example.org')).statusCode).toBe(202);
      const limited = await to(other.app, 'p4@example.org');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(1000); // an hour's refill for 3/hour
      expect((await to(h.app, 'p5@example.org')).statusCode).toBe(429);
    } finally {
      await other.close();
    }
  });
});
