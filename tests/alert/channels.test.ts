/**
 * The channel registry: a channel is one object implementing AlertChannel. A fake channel
 * registered here (no file elsewhere changes) is chosen by name, checks its own settings,
 * stores them in channel_settings, and delivers through the dispatcher, retried like any
 * other when it fails.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerts, type Alerts } from '../../src/alert/alerts.js';
import type { AlertChannel, ChannelMessage } from '../../src/alert/channels/channel.js';
import { ChannelRegistry, CHANNELS } from '../../src/alert/channels/registry.js';
import { AlertInputError } from '../../src/alert/errors.js';
import type { AlertItem } from '../../src/alert/types.js';
import type { Db } from '../../src/store/db.js';
import { alertsPlugin } from '../../src/web/alerts/plugin.js';
import { apiDocs } from '../../src/web/api/openapi.js';
import { freshStore } from '../support/db.js';
import { silent, testSettings } from './support.js';

/** Delivers into an array; fails while `failing` is set. */
function memoChannel(): AlertChannel & { delivered: ChannelMessage[]; failing: boolean } {
  return {
    name: 'memo',
    access: 'api-key',
    delivered: [],
    failing: false,
    async settings(request, _services, issues) {
      if (!request.url?.startsWith('memo:')) {
        issues.push({ field: 'url', message: 'must be a memo: box' });
        return {};
      }
      return { box: request.url };
    },
    target: (settings) => settings.box ?? null,
    async deliver(message) {
      if (this.failing) throw new Error('memo box full');
      this.delivered.push(message);
    },
  };
}

function item(gid: string): AlertItem {
  return {
    gid,
    sittingDate: '2020-01-01',
    type: 'debates',
    house: 'commons',
    speakerName: 'A Member',
    party: null,
    constituency: null,
    time: null,
    colnum: null,
    majorHeading: 'Health',
    minorHeading: null,
    debateGid: null,
    twfyUrl: null,
    hansardUrl: null,
    paragraphSeq: 0,
    excerpt: 'the NHS',
    reason: { query: null, tags: [{ tag: 'privatisation', confidence: 0.9 }], person: null },
  };
}

describe('alert channels from a registry', () => {
  let db: Db;
  let alerts: Alerts;
  const memo = memoChannel();

  beforeAll(async () => {
    db = await freshStore('pglite');
    alerts = createAlerts({ db, settings: testSettings(), log: silent, channels: [memo] });
  });

  afterAll(async () => {
    await alerts?.close();
    await db?.close();
  });

  it('has the built-in channels, and refuses a second channel of the same name', () => {
    expect(CHANNELS).toEqual(['email', 'webhook', 'feed']);
    expect(alerts.channels.names()).toEqual(['email', 'webhook', 'feed', 'memo']);
    expect(() => new ChannelRegistry(alerts.channels.services, [memoChannel(), memoChannel()])).toThrow(
      /registered twice/,
    );
  });

  it("checks a request with the channel's own settings check", async () => {
    await expect(
      alerts.service.create(
        { channel: 'memo', url: 'https://x', q: 'nhs' },
        { operator: { confirmed: true } },
      ),
    ).rejects.toSatisfy(
      (err) => err instanceof AlertInputError && err.issues.some((i) => i.message === 'must be a memo: box'),
    );
    await expect(
      alerts.service.create({ channel: 'pigeon', q: 'nhs' }, { operator: { confirmed: true } }),
    ).rejects.toSatisfy(
      (err) =>
        err instanceof AlertInputError && err.issues.some((i) => /must be one of .*memo/.test(i.message)),
    );
  });

  it('delivers through the dispatcher, and retries a failed delivery', async () => {
    const made = await alerts.service.create(
      { channel: 'memo', url: 'memo:box-1', tags: ['privatisation'] },
      { operator: { confirmed: true } },
    );
    expect(made.subscription.status).toBe('active');
    expect((await alerts.subscriptions.get(made.subscription.id))?.settings).toEqual({ box: 'memo:box-1' });

    const record = (gid: string) =>
      alerts.deliveries.record([
        {
          subscriptionId: made.subscription.id,
          gid,
          groupKey: 'debates/2020-01-01',
          contentHash: `hash-${gid}`,
          sittingDate: '2020-01-01',
          item: item(gid),
        },
      ]);
    expect(await record('g.1')).toEqual({ recorded: 1, queued: 1 });
    expect(await alerts.dispatcher.drain()).toMatchObject({ sent: 1, failed: 0 });
    expect(memo.delivered.map((m) => [m.kind, m.subscription.id, m.items.map((i) => i.gid)])).toEqual([
      ['alert', made.subscription.id, ['g.1']],
    ]);

    memo.failing = true;
    await record('g.2');
    expect(await alerts.dispatcher.drain()).toMatchObject({ sent: 0, failed: 1 });
    const [failure] = await alerts.deliveries.failures();
    expect(failure).toMatchObject({ channel: 'memo', status: 'failed', lastError: 'memo box full' });
    expect(memo.delivered).toHaveLength(1);
  });

  it("documents the registry's channels in the API document, with the refusals every subscribe route shares", async () => {
    const app = Fastify({ logger: false });
    await app.register(apiDocs);
    await app.register(alertsPlugin, { alerts, rateLimit: false });
    await app.ready();
    try {
      const doc = app.swagger() as {
        paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>>;
      };
      const create = doc.paths['/api/v1/alerts']!.post!;
      const body = create.requestBody as {
        content: Record<string, { schema: { properties: { channel: { enum: string[] } } } }>;
      };
      expect(body.content['application/json']!.schema.properties.channel.enum).toEqual([...CHANNELS]);
      expect(Object.keys(create.responses!)).toEqual(expect.arrayContaining(['400', '429', '503']));
    } finally {
      await app.close();
    }
  });
});
