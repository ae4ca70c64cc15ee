/**
 * The embedded store (PGlite) is the default without DATABASE_URL, so alerts must work on
 * it too: the same flow as on Postgres — subscribe, confirm, match a day and its revision,
 * send once, digest, fail and dead-letter — with an in-memory mail transport.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerts, type Alerts } from '../../src/alert/alerts.js';
import type { MailTransport } from '../../src/alert/transport/mail.js';
import type { RenderedEmail } from '../../src/alert/render/email.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import { loadMiniMembers, mini, miniGid, silent, testSettings } from './support.js';

describe('alerts on the embedded store (PGlite)', () => {
  let db: Db;
  let alerts: Alerts;
  const sent: RenderedEmail[] = [];
  let down = false;
  const mail: MailTransport = {
    async send(m) {
      if (down) throw new Error('connect ECONNREFUSED');
      sent.push(m);
    },
    close() {},
  };

  beforeAll(async () => {
    db = await freshStore('pglite');
    await loadMiniMembers(db);
    alerts = createAlerts({ db, settings: testSettings({ maxAttempts: 2 }), log: silent, mail });
  }, 120_000);

  afterAll(async () => {
    await alerts?.close();
    await db?.close();
  });

  it('subscribes, confirms, alerts once across a revision, digests and dead-letters', async () => {
    // The public path, so that its rate limits and mail cap run on PGlite too.
    await alerts.service.requestEmail(
      { email: 'p@example.org', q: 'contract OR tender' },
      { ip: '192.0.2.1' },
    );
    await alerts.service.requestEmail(
      { email: 'd@example.org', q: 'contract OR tender', frequency: 'daily' },
      { ip: '192.0.2.1' },
    );
    await alerts.dispatcher.drain();
    await alerts.dispatcher.idle();
    expect(sent.map((m) => m.subject.slice(0, 7))).toEqual(['Confirm', 'Confirm']);
    const ids = await db.query<{ id: string }>(
      "SELECT id FROM alert_subscriptions WHERE channel_settings->>'email' IN ('p@example.org', 'd@example.org')",
    );
    expect(ids).toHaveLength(2);
    for (const { id } of ids) {
      const token = new URL(alerts.links.confirm(id)).searchParams.get('token')!;
      expect((await alerts.service.confirm(token)).status).toBe('confirmed');
    }
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    const a = await ingest(db, pick(mini, 'debates2030-01-07a.xml'), people);
    expect((await alerts.handleSpeeches(a.changedSpeechGids)).recorded).toBe(2); // a.10.2 for each
    const b = await ingest(db, pick(mini, 'debates2030-01-07b.xml'), people);
    expect((await alerts.handleSpeeches(b.changedSpeechGids)).recorded).toBe(2); // b.10.3 for each; b.10.2 known
    expect((await alerts.handleSpeeches([...a.changedSpeechGids, ...b.changedSpeechGids])).recorded).toBe(0);
    await alerts.dispatcher.drain();
    await alerts.dispatcher.idle();
    // One roll-up per run (issue #20): a's and b's.
    const alertsSent = sent.filter((m) => m.to === 'p@example.org' && !m.subject.startsWith('Confirm'));
    expect(alertsSent.map((m) => /id=([^\s]+)/.exec(m.text)?.[1]).sort()).toEqual([
      '2030-01-07a.10.2',
      '2030-01-07b.10.3',
    ]);
    expect(await alerts.dispatcher.runDigests(new Date(Date.now() + 36 * 3_600_000))).toBe(1);
    await alerts.dispatcher.drain();
    await alerts.dispatcher.idle();
    expect(sent.filter((m) => m.subject.startsWith('Daily digest: 2 new matches'))).toHaveLength(1);

    down = true;
    await alerts.service.requestEmail({ email: 'x@example.org', q: 'nhs' }, { ip: '192.0.2.1' });
    await alerts.dispatcher.drain();
    await alerts.dispatcher.idle();
    await new Promise((r) => setTimeout(r, 120));
    await alerts.dispatcher.drain();
    await alerts.dispatcher.idle();
    const failures = await alerts.deliveries.failures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ status: 'dead', kind: 'confirm', target: 'x@example.org' });
    expect((await alerts.matcher.compiled()).subs).toHaveLength(2);
    expect(
      (
        await alerts.matcher.preview(
          { query: "'tender'", tags: [], minConfidence: 0.5, personIds: [], houses: [], types: [] },
          [miniGid('b.10.3')],
        )
      )[0]?.gid,
    ).toBe(miniGid('b.10.3'));
  }, 120_000);
});
