/**
 * Digests: when they fall due (local time, across a clock change), and that a day's
 * matches across several debates arrive as one e-mail with one section per debate.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAIL_SHAPE } from '../../src/alert/settings.js';
import { dailyPeriod, weeklyPeriod, zonedTime } from '../../src/alert/digest-schedule.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import {
  harness,
  linkIn,
  sleep,
  startSmtp,
  testSettings,
  waitFor,
  type Harness,
  type TestSmtp,
} from './support.js';

const london = { hour: 7, weekday: 1, timeZone: 'Europe/London' };

describe('digest schedule', () => {
  it('uses the local hour, in summer time and in winter', () => {
    expect(zonedTime(2030, 7, 1, 7, 'Europe/London').toISOString()).toBe('2030-07-01T06:00:00.000Z');
    expect(zonedTime(2030, 1, 7, 7, 'Europe/London').toISOString()).toBe('2030-01-07T07:00:00.000Z');
    expect(zonedTime(2030, 1, 7, 7, 'America/New_York').toISOString()).toBe('2030-01-07T12:00:00.000Z');
  });

  it('names the latest daily digest not after now', () => {
    expect(dailyPeriod(new Date('2030-01-08T06:59:00Z'), london)).toEqual({
      key: '2030-01-07',
      cutoff: new Date('2030-01-07T07:00:00Z'),
    });
    expect(dailyPeriod(new Date('2030-01-08T07:00:00Z'), london)).toEqual({
      key: '2030-01-08',
      cutoff: new Date('2030-01-08T07:00:00Z'),
    });
    // The night the clocks go forward (30 March 2030): 07:00 BST is 06:00 UTC.
    expect(dailyPeriod(new Date('2030-03-31T06:30:00Z'), london)).toEqual({
      key: '2030-03-31',
      cutoff: new Date('2030-03-31T06:00:00Z'),
    });
  });

  it('names the latest weekly digest on the configured weekday', () => {
    // 7 January 2030 is a Monday.
    expect(weeklyPeriod(new Date('2030-01-09T12:00:00Z'), london)).toEqual({
      key: 'week-2030-01-07',
      cutoff: new Date('2030-01-07T07:00:00Z'),
    });
    expect(weeklyPeriod(new Date('2030-01-07T06:00:00Z'), london)).toEqual({
      key: 'week-2029-12-31',
      cutoff: new Date('2029-12-31T07:00:00Z'),
    });
  });
});

describe.skipIf(!corpusAvailable())('a digest of a real day', () => {
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

  it('sends one e-mail with a section per debate and each speech once', async () => {
    for (const [email, frequency] of [
      ['gail@example.org', 'daily'],
      ['hugh@example.org', 'weekly'],
    ]) {
      expect(
        (
          await h.app.inject({
            method: 'POST',
            url: '/api/v1/alerts',
            payload: { email, q: 'biofuels OR afghanistan', frequency },
          })
        ).statusCode,
      ).toBe(202);
      const mail = await waitFor('confirmation', () => smtp.received.find((m) => m.to.includes(email!)));
      const token = new URL(
        linkIn(mail.text, 'https://alerts.example.org/alerts/confirm?token='),
      ).searchParams.get('token')!;
      expect(
        (await h.app.inject({ method: 'POST', url: '/alerts/confirm', payload: { token } })).statusCode,
      ).toBe(200);
    }
    const summary = await ingest(
      db,
      pick(corpusDir, 'westminster2009-10-27a.xml'),
      readPeople(path.join(corpusDir, 'members', 'people.json')),
    );
    const outcome = await h.alerts.handleSpeeches(summary.changedSpeechGids);
    const headings = await db.query<{ heading: string; n: number }>(
      `SELECT coalesce(mh.title, '') || ': ' || coalesce(nh.title, '') AS heading, count(DISTINCT s.gid)::int AS n
         FROM speeches s JOIN paragraph_search ps ON ps.speech_gid = s.gid
         LEFT JOIN headings mh ON mh.gid = s.major_heading_gid LEFT JOIN headings nh ON nh.gid = s.minor_heading_gid
        WHERE ps.tsv @@ websearch_to_tsquery('english', 'biofuels OR afghanistan') GROUP BY 1`,
    );
    const speeches = headings.reduce((a, r) => a + r.n, 0);
    expect(headings.length).toBeGreaterThan(1);
    expect(outcome.recorded).toBe(2 * speeches);
    await sleep(300);
    expect(smtp.received.filter((m) => !m.subject.startsWith('Confirm'))).toHaveLength(0);

    expect(await h.alerts.dispatcher.runDigests(new Date(Date.now() + 8 * 86_400_000))).toBe(2);
    h.alerts.dispatcher.kick();
    const digests = await waitFor('two digests', () => {
      const d = smtp.received.filter((m) => m.subject.includes('digest'));
      return d.length >= 2 ? d : false;
    });
    await sleep(300);
    expect(smtp.received.filter((m) => m.subject.includes('digest'))).toHaveLength(2);
    const daily = digests.find((m) => m.to.includes('gail@example.org'))!;
    const weekly = digests.find((m) => m.to.includes('hugh@example.org'))!;
    expect(daily.subject).toContain(`Daily digest: ${speeches} new matches`);
    expect(weekly.subject).toContain(`Weekly digest: ${speeches} new matches`);
    // Speeches in full under one heading per debate, up to the size cap; the rest as links.
    const full = Math.min(speeches, DEFAULT_MAIL_SHAPE.maxSpeeches);
    expect(daily.text.match(/^ {2}Read it on hansard-watch: /gm)).toHaveLength(full);
    const debates = daily.text.match(/^-- .* --$/gm) ?? [];
    expect(debates.length).toBeGreaterThan(0);
    expect(new Set(debates).size).toBe(debates.length);
    const links = daily.text.match(/\/speeches\/uk\.org\.publicwhip\/westminhall\/[^\s]+/g) ?? [];
    expect(links).toHaveLength(speeches);
    expect(new Set(links).size).toBe(speeches);
  }, 60_000);
});
