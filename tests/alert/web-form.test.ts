/**
 * The site's subscribe form (POST /api/v1/subscriptions, src/web/api) with the alert
 * service registered: it stops answering 501, stores a pending subscription and queues
 * the confirmation; the service's own checks reach the form as 400s.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBE_ANSWER } from '../../src/alert/subscription-service.js';
import type { Db } from '../../src/store/db.js';
import { alertsPlugin } from '../../src/web/alerts/plugin.js';
import { webPlugin } from '../../src/web/api/web.js';
import { freshStore } from '../support/db.js';
import { harness, testSettings, type Harness } from './support.js';

describe('the subscribe form with alerts registered', () => {
  let db: Db;
  let h: Harness;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await freshStore('postgres');
    h = await harness(db, testSettings({ smtpUrl: 'smtp://127.0.0.1:9' }), undefined, false);
    app = Fastify({ logger: false });
    await app.register(webPlugin, { db, subscriptions: h.alerts.service, rateLimit: false });
    await app.register(alertsPlugin, { alerts: h.alerts });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await h?.close();
    await db?.close();
  });

  it('stores a pending subscription and queues its confirmation', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { email: 'form@example.org', q: '"private sector" OR outsourcing', frequency: 'daily' },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ message: SUBSCRIBE_ANSWER });
    const rows = await db.query<{ status: string; frequency: string; query_tsquery: string }>(
      "SELECT status, frequency, query_tsquery FROM alert_subscriptions WHERE channel_settings->>'email' = 'form@example.org'",
    );
    expect(rows).toEqual([
      { status: 'pending', frequency: 'daily', query_tsquery: "'privat' <-> 'sector' | 'outsourc'" },
    ]);
    expect((await db.query("SELECT 1 FROM alert_messages WHERE kind = 'confirm'")).length).toBe(1);
  });

  it('answers 400 for a query the alert service refuses, storing nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { email: 'form2@example.org', q: '"private sector' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/q: has a " without its closing "/);
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'form2@example.org'",
        )
      ).length,
    ).toBe(0);
  });

  it('serves the alert pages and API beside the site on one server', async () => {
    const page = await app.inject({ method: 'GET', url: '/alerts/manage' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('Send me the link');
    const api = await app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { email: 'both@example.org', q: 'nhs' },
    });
    expect(api.statusCode).toBe(202);
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(404);
  });
});
