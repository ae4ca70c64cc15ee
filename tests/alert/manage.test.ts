/**
 * Managing alerts without an account: a magic link by e-mail lists the address's alerts
 * and pauses, resumes or deletes them; a paused alert is not matched; links for another
 * address, expired or altered, do nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import {
  harness,
  linkIn,
  local,
  startSmtp,
  testSettings,
  waitFor,
  type Harness,
  type TestSmtp,
} from './support.js';

describe('managing alerts by magic link', () => {
  let db: Db;
  let smtp: TestSmtp;
  let h: Harness;

  beforeAll(async () => {
    db = await freshStore('postgres');
    smtp = await startSmtp();
    h = await harness(db, testSettings({ smtpUrl: smtp.url }));
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    await db?.close();
  });

  const form = (payload: Record<string, string>) => ({
    payload: new URLSearchParams(payload).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('lists, pauses, resumes and deletes through the e-mailed link', async () => {
    for (const q of ['nhs', 'privatisation'])
      expect(
        (
          await h.app.inject({
            method: 'POST',
            url: '/api/v1/alerts',
            payload: { email: 'mo@example.org', q },
          })
        ).statusCode,
      ).toBe(202);
    const [first] = await db.query<{ id: string }>(
      "SELECT id FROM alert_subscriptions WHERE query_text = 'nhs'",
    );
    await db.query("UPDATE alert_subscriptions SET status = 'active'");

    const asked = await h.app.inject({
      method: 'POST',
      url: '/alerts/manage',
      ...form({ email: 'mo@example.org' }),
    });
    expect(asked.statusCode).toBe(202);
    expect(asked.body).toContain('If that address has alerts');
    // An address without alerts gets the same answer, and no e-mail.
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: '/alerts/manage',
          ...form({ email: 'nobody@example.org' }),
        })
      ).body,
    ).toContain('If that address has alerts');
    const mail = await waitFor('the manage e-mail', () =>
      smtp.received.find((m) => m.subject.startsWith('Manage')),
    );
    expect(mail.to).toEqual(['mo@example.org']);
    const link = linkIn(mail.text, 'https://alerts.example.org/alerts/manage?token=');
    const token = new URL(link).searchParams.get('token')!;

    const page = await h.app.inject({ method: 'GET', url: local(link) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Alerts for mo@example.org');
    expect(page.body.match(/name="action" value="delete"/g)).toHaveLength(2);
    expect(page.headers['cache-control']).toBe('no-store');

    const pause = await h.app.inject({
      method: 'POST',
      url: '/alerts/manage/action',
      ...form({ token, id: first!.id, action: 'pause' }),
    });
    expect(pause.statusCode).toBe(303);
    expect(
      (
        await db.query<{ status: string }>('SELECT status FROM alert_subscriptions WHERE id = $1', [
          first!.id,
        ])
      )[0]!.status,
    ).toBe('paused');
    expect((await h.alerts.matcher.compiled()).subs.map((s) => s.id)).not.toContain(first!.id);
    await h.app.inject({
      method: 'POST',
      url: '/alerts/manage/action',
      ...form({ token, id: first!.id, action: 'resume' }),
    });
    expect(
      (
        await db.query<{ status: string }>('SELECT status FROM alert_subscriptions WHERE id = $1', [
          first!.id,
        ])
      )[0]!.status,
    ).toBe('active');
    expect((await h.alerts.matcher.compiled()).subs.map((s) => s.id)).toContain(first!.id);

    // Someone else's link cannot touch these alerts.
    const other = h.alerts.links.manage('eve@example.org').split('token=')[1]!;
    const denied = await h.app.inject({
      method: 'POST',
      url: '/alerts/manage/action',
      ...form({ token: decodeURIComponent(other), id: first!.id, action: 'delete' }),
    });
    expect(denied.statusCode).toBe(400);
    const expired = h.alerts.links.signer.sign('manage', 'mo@example.org', new Date(Date.now() - 1000));
    expect(
      (await h.app.inject({ method: 'GET', url: `/alerts/manage?token=${encodeURIComponent(expired)}` }))
        .statusCode,
    ).toBe(400);

    const del = await h.app.inject({
      method: 'POST',
      url: '/alerts/manage/action',
      ...form({ token, id: first!.id, action: 'delete' }),
    });
    expect(del.statusCode).toBe(303);
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'mo@example.org'",
        )
      ).length,
    ).toBe(1);
  });
});
