/**
 * Webhooks against a real local receiver: signed JSON, one POST per matching speech,
 * retries with backoff through receiver errors without a successful duplicate, the
 * connection going to the address the policy checked (a name only our resolver knows),
 * and a name that rebinds to a private address after subscribing being refused at
 * delivery time.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../src/alert/render/webhook-payload.js';
import { WebhookSender } from '../../src/alert/transport/webhook-sender.js';
import {
  parseAllowList,
  TargetPolicy,
  TargetRefusedError,
  type Resolver,
} from '../../src/alert/webhook/target-policy.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import {
  harness,
  mini,
  sleep,
  startReceiver,
  tableResolver,
  testSettings,
  waitFor,
  type Harness,
  type TestReceiver,
} from './support.js';
import path from 'node:path';

describe('webhook alerts', () => {
  let db: Db;
  let receiver: TestReceiver;
  let h: Harness;
  let key: string;
  const resolver = tableResolver({ 'hooks.test': ['127.0.0.1'], 'rebind.example': ['93.184.216.34'] });

  beforeAll(async () => {
    db = await freshStore('postgres');
    receiver = await startReceiver();
    // The receiver is on 127.0.0.1: allowed by name (hooks.test) and by address, as an operator would list it.
    h = await harness(
      db,
      testSettings({ allowList: parseAllowList('hooks.test, 127.0.0.1').entries }),
      resolver,
    );
    key = (await h.alerts.service.createApiKey('receiver')).key;
  });

  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await db?.close();
  });

  const create = (url: string, q: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { channel: 'webhook', url, q },
      headers: { authorization: `Bearer ${key}` },
    });

  it('posts signed JSON once per matching speech, retrying through receiver errors', async () => {
    const made = await create(`${receiver.url}/hook`, 'contract OR tender OR "private contractor"');
    expect(made.statusCode, made.body).toBe(201);
    const { webhookSecret, id } = made.json<{ webhookSecret: string; id: string }>();
    // The first three requests fail: the receiver is "down".
    receiver.respond((n) => (n < 3 ? 503 : 200));
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    const a = await ingest(db, pick(mini, 'debates2030-01-07a.xml'), people);
    await h.alerts.handleSpeeches(a.changedSpeechGids);
    await waitFor(
      'two accepted deliveries',
      () => receiver.requests.filter((r) => r.status === 200).length >= 2,
    );
    await sleep(500);
    const accepted = receiver.requests.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(2);
    expect(receiver.requests.length).toBe(5);
    for (const r of receiver.requests) {
      const expected = `sha256=${createHmac('sha256', webhookSecret).update(r.body).digest('hex')}`;
      expect(r.headers['x-hansard-watch-signature']).toBe(expected);
      const t = /^t=(\d+),v1=/.exec(String(r.headers['hansard-watch-signature']))?.[1];
      expect(r.headers['hansard-watch-signature']).toBe(
        `t=${t},v1=${createHmac('sha256', webhookSecret).update(`${t}.${r.body}`).digest('hex')}`,
      );
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.path).toBe('/hook');
    }
    const payloads = accepted.map((r) => JSON.parse(r.body) as WebhookPayload);
    expect(new Set(payloads.map((p) => p.deliveryId)).size).toBe(2);
    expect(
      payloads.every((p) => p.event === 'alert' && p.subscription.id === id && p.speeches.length === 1),
    ).toBe(true);
    const contract = payloads.flatMap((p) => p.speeches).find((s) => s.gid.endsWith('a.10.2'))!;
    expect(contract).toMatchObject({
      speakerName: 'Bob Sample',
      majorHeading: 'Community Health Services',
      twfyUrl: 'https://www.theyworkforyou.com/debates/?id=2030-01-07a.10.2',
      hansardUrl: 'http://example.org/cm300107/debtext/0001.htm#c',
    });
    expect(contract.excerptHtml).toContain('<mark>contract</mark> is worth');
    expect(contract.excerpt).toContain('contract is worth £12 million');
    // The revised day sends only the new speech.
    const b = await ingest(db, pick(mini, 'debates2030-01-07b.xml'), people);
    await h.alerts.handleSpeeches(b.changedSpeechGids);
    await waitFor('the b.10.3 delivery', () => receiver.requests.filter((r) => r.status === 200).length >= 3);
    await sleep(300);
    const third = JSON.parse(receiver.requests.filter((r) => r.status === 200)[2]!.body) as WebhookPayload;
    expect(third.speeches[0]!.gid).toBe('uk.org.publicwhip/debate/2030-01-07b.10.3');
    expect(receiver.requests.filter((r) => r.status === 200)).toHaveLength(3);
    await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/alerts/${id}`,
      headers: { authorization: `Bearer ${key}` },
    });
  });

  it('connects to the address the policy resolved (a name only our resolver knows)', async () => {
    const before = receiver.requests.length;
    const made = await create(`http://hooks.test:${receiver.port}/named`, 'tender');
    expect(made.statusCode, made.body).toBe(201);
    await h.alerts.handleSpeeches(['uk.org.publicwhip/debate/2030-01-07b.10.3']);
    await waitFor('a delivery to hooks.test', () =>
      receiver.requests.slice(before).some((r) => r.path === '/named'),
    );
    expect(receiver.requests.slice(before).find((r) => r.path === '/named')!.headers.host).toBe(
      `hooks.test:${receiver.port}`,
    );
    await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/alerts/${made.json<{ id: string }>().id}`,
      headers: { authorization: `Bearer ${key}` },
    });
  });

  it('refuses at delivery time a name that now resolves to a private address (DNS rebinding)', async () => {
    const made = await create('https://rebind.example/hook', 'tender');
    expect(made.statusCode, made.body).toBe(201);
    resolver.table['rebind.example'] = ['10.0.0.7'];
    const before = receiver.requests.length;
    await h.alerts.handleSpeeches(['uk.org.publicwhip/debate/2030-01-07b.10.3']);
    const failure = await waitFor('the refusal to be logged', async () =>
      (await h.alerts.deliveries.failures()).find((f) => f.target === 'https://rebind.example/hook'),
    );
    expect(failure.lastError).toMatch(/rebind\.example resolves to 10\.0\.0\.7/);
    expect(receiver.requests.length).toBe(before);
  });

  it('checks the address again as it connects: a name that flips after the first check is refused', async () => {
    let calls = 0;
    const flipping: Resolver = async () => [
      { address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 },
    ];
    const sender = new WebhookSender(new TargetPolicy([], flipping), { timeoutMs: 2000 });
    const before = receiver.requests.length;
    try {
      const sending = sender.send({
        url: `https://flip.example:${receiver.port}/x`,
        body: '{}',
        headers: {},
      });
      await expect(sending).rejects.toBeInstanceOf(TargetRefusedError);
      await expect(sending).rejects.toThrow(/flip\.example resolves to 127\.0\.0\.1/);
      expect(calls).toBe(2);
      expect(receiver.requests.length).toBe(before);
    } finally {
      await sender.close();
    }
  });

  it('refuses at connection time a name that flips to an IPv6 form of an IPv4 address', async () => {
    for (const inner of ['::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1']) {
      let calls = 0;
      const flipping: Resolver = async () => [
        calls++ === 0 ? { address: '2606:4700::1111', family: 6 } : { address: inner, family: 6 },
      ];
      const sender = new WebhookSender(new TargetPolicy([], flipping), { timeoutMs: 2000 });
      const before = receiver.requests.length;
      try {
        const sending = sender.send({
          url: `https://flip6.example:${receiver.port}/x`,
          body: '{}',
          headers: {},
        });
        await expect(sending).rejects.toBeInstanceOf(TargetRefusedError);
        await expect(sending).rejects.toThrow(/embedding 127\.0\.0\.1, a loopback/);
        expect(calls).toBe(2);
        expect(receiver.requests.length).toBe(before);
      } finally {
        await sender.close();
      }
    }
  });
});
