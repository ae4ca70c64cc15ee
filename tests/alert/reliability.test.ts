/**
 * Exactly once when things go wrong: the SMTP server goes away for a while (every e-mail
 * arrives once it is back, none twice), a worker dies holding messages (another sends
 * them once its lease lapses), and a message that keeps failing is dead-lettered and can
 * be retried. Uses a real corpus day, and checks the alerts sent are exactly the speeches
 * Postgres's own `tsv @@ websearch_to_tsquery(…)` selects.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import {
  harness,
  linkIn,
  local,
  sleep,
  startSmtp,
  testSettings,
  waitFor,
  type Harness,
  type TestSmtp,
} from './support.js';

const FILE = 'westminster2009-10-27a.xml';
const QUERY = 'biofuels OR "renewable energy" OR afghanistan';

describe.skipIf(!corpusAvailable())('delivery survives outages and crashes', () => {
  let db: Db;
  let smtp: TestSmtp;
  let h: Harness;
  let expected: string[];

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

  // One roll-up per address per run (issue #20): every matched speech appears once in it,
  // by its link on this site (in full or, past the size cap, as a link).
  const alertMails = () => smtp.received.filter((m) => !m.subject.startsWith('Confirm'));
  const gidsIn = (mails: readonly { text: string }[]) =>
    mails.flatMap((m) =>
      [...m.text.matchAll(/\/speeches\/uk\.org\.publicwhip\/westminhall\/(\S+)/g)].map((x) => x[1]!),
    );

  async function subscribeConfirmed(email: string): Promise<void> {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { email, q: QUERY } });
    expect(res.statusCode, res.body).toBe(202);
    const mail = await waitFor('confirmation', () => smtp.received.find((m) => m.to.includes(email)));
    const token = new URL(
      linkIn(mail.text, 'https://alerts.example.org/alerts/confirm?token='),
    ).searchParams.get('token')!;
    expect(
      (await h.app.inject({ method: 'POST', url: '/alerts/confirm', payload: { token } })).statusCode,
    ).toBe(200);
  }

  it('delivers every alert once after an SMTP outage', async () => {
    await subscribeConfirmed('dana@example.org');
    await smtp.stop();
    const summary = await ingest(
      db,
      pick(corpusDir, FILE),
      readPeople(path.join(corpusDir, 'members', 'people.json')),
    );
    expected = (
      await db.query<{ gid: string }>(
        `SELECT DISTINCT speech_gid AS gid FROM paragraph_search WHERE tsv @@ websearch_to_tsquery('english', $1)`,
        [QUERY],
      )
    ).map((r) => r.gid.replace('uk.org.publicwhip/westminhall/', ''));
    expect(expected.length).toBeGreaterThan(5);
    const outcome = await h.alerts.handleSpeeches(summary.changedSpeechGids);
    expect(outcome.recorded).toBe(expected.length);
    // Down long enough for every message to have failed at least once.
    await waitFor('every message to have failed', async () => {
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM alert_messages WHERE kind = 'rollup' AND attempts >= 2 AND status <> 'sent'`,
      );
      return rows[0]!.n === 1;
    });
    expect(alertMails()).toHaveLength(0);
    await smtp.restart();
    await waitFor('the roll-up after the restart', () => alertMails().length >= 1, 30_000);
    await sleep(1000);
    expect(alertMails()).toHaveLength(1);
    expect(gidsIn(alertMails()).sort()).toEqual([...expected].sort());
    expect(new Set(alertMails().map((m) => m.headers.get('message-id'))).size).toBe(1);
  }, 60_000);

  it('a worker that dies holding messages leaves them to another, which sends each once', async () => {
    // A second subscriber; its messages are claimed by a "worker" that then dies.
    await h.alerts.dispatcher.stop();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { email: 'erin@example.org', q: QUERY },
    });
    expect(res.statusCode).toBe(202);
    // The dispatcher is stopped: this test drives sending by hand.
    await h.alerts.dispatcher.drain();
    const mail = await waitFor('erin confirmation', () =>
      smtp.received.find((m) => m.to.includes('erin@example.org')),
    );
    const token = new URL(
      linkIn(mail.text, 'https://alerts.example.org/alerts/confirm?token='),
    ).searchParams.get('token')!;
    await h.app.inject({ method: 'POST', url: '/alerts/confirm', payload: { token } });
    const gids = (await db.query<{ gid: string }>('SELECT gid FROM speeches')).map((r) => r.gid);
    const outcome = await h.alerts.handleSpeeches(gids);
    expect(outcome.recorded).toBe(expected.length); // dana's are already logged; erin's are new
    const dead = await h.alerts.deliveries.claim(1000, 300); // the worker that will die
    expect(dead.length).toBe(1); // erin's roll-up
    expect((await h.alerts.deliveries.claim(1000, 300)).length).toBe(0); // leased: nobody else takes them
    await sleep(400); // lease lapses
    const result = await h.alerts.dispatcher.drain();
    expect(result.sent).toBe(1);
    expect((await h.alerts.dispatcher.drain()).sent).toBe(0);
    const erin = alertMails().filter((m) => m.to.includes('erin@example.org'));
    expect(erin).toHaveLength(1);
    expect(gidsIn(erin).sort()).toEqual([...expected].sort());
  }, 60_000);

  it('dead-letters a message after its last attempt, lists it and retries it on request', async () => {
    const local2 = await harness(
      db,
      testSettings({ smtpUrl: 'smtp://127.0.0.1:9', maxAttempts: 2 }),
      undefined,
      false,
    );
    try {
      const res = await local2.app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        payload: { email: 'frank@example.org', q: 'nhs' },
      });
      expect(res.statusCode).toBe(202);
      await local2.alerts.dispatcher.drain();
      await sleep(150);
      await local2.alerts.dispatcher.drain();
      const failures = await local2.alerts.deliveries.failures();
      const mine = failures.find((f) => f.target === 'frank@example.org')!;
      expect(mine).toMatchObject({ kind: 'confirm', status: 'dead', attempts: 2 });
      expect(mine.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(await local2.alerts.deliveries.retryDead(mine.id)).toBe(1);
      expect((await local2.alerts.deliveries.failures()).find((f) => f.id === mine.id)).toBeUndefined();
    } finally {
      await local2.close();
    }
  });

  it('the unsubscribe link in the body works too', async () => {
    const mail = alertMails().find((m) => m.to.includes('dana@example.org'))!;
    const link = linkIn(mail.text, 'https://alerts.example.org/alerts/unsubscribe?token=');
    const token = new URL(link).searchParams.get('token')!;
    const res = await h.app.inject({ method: 'POST', url: local(link), payload: { token } });
    expect(res.statusCode).toBe(200);
    expect(
      (
        await db.query(
          "SELECT 1 FROM alert_subscriptions WHERE channel_settings->>'email' = 'dana@example.org'",
        )
      ).length,
    ).toBe(0);
  });
});
