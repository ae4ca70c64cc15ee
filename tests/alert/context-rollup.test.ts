/**
 * Issue #20 against a real SMTP server: every alert carries its context (the question an
 * oral or written answer answers, the answer a written question got, the paragraphs
 * around the match, a tag's evidence and why, links here and to TheyWorkForYou and
 * Hansard); one e-mail per address per delivery run gathers three subscriptions, each
 * speech once; a followed MP's vote arrives once across an a → b revision of the day;
 * the size cap lists the rest as links and the daily cap stops the mail with a link to
 * the site.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAtom } from '../../src/alert/render/atom.js';
import { webhookPayload } from '../../src/alert/render/webhook-payload.js';
import { webhookPayloadSchema } from '../../src/alert/render/webhook-schema.js';
import type { AlertItem } from '../../src/alert/types.js';
import type { AlertSettings } from '../../src/alert/settings.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import {
  BASE_URL,
  harness,
  loadMiniMembers,
  mini,
  startSmtp,
  testSettings,
  type Harness,
  type TestSmtp,
} from './support.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'alert-context');
const people = () => readPeople(path.join(mini, 'members', 'people.json'));
const debate = (v: string, n: string) => `uk.org.publicwhip/debate/2030-02-04${v}.${n}`;
const wrans = (n: string) => `uk.org.publicwhip/wrans/2030-02-04a.${n}`;
const ANN = 'uk.org.publicwhip/person/90001';

interface World {
  db: Db;
  smtp: TestSmtp;
  h: Harness;
}

async function world(settings: (smtpUrl: string) => AlertSettings): Promise<World> {
  const db = await freshStore('postgres');
  await loadMiniMembers(db);
  const smtp = await startSmtp();
  const h = await harness(db, settings(smtp.url), undefined, false);
  return { db, smtp, h };
}

/** Ingests files and announces every speech of the store to alerts, as the pipeline hook would the new ones. */
async function ingestAndMatch(w: World, dir: string, ...names: string[]): Promise<void> {
  void dir; // the folder is told by the file name
  await ingest(w.db, pick(fixtures, ...names), people());
  // The tagger's work, done by hand: the railway speech's second paragraph is about outsourcing.
  await w.db.query('DELETE FROM tag_pending');
  const railway = (await w.db.query<{ gid: string }>(`SELECT gid FROM speeches WHERE gid LIKE '%.21.2'`)).map(
    (r) => r.gid,
  );
  const body =
    'The Bill would let the Secretary of State renew the franchise without any public tender, and I cannot support that.';
  const at = (w: string) => ({ start: body.indexOf(w), end: body.indexOf(w) + w.length });
  const evidence = JSON.stringify([
    { term: 'franchise', ...at('franchise'), source: 'keyword', ref: 'p1', weight: 0.9 },
    { term: 'tender', ...at('tender'), source: 'classifier', ref: 'tender', weight: 1.2 },
  ]);
  for (const gid of railway) {
    await w.db.query(
      `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version)
       VALUES ($1, 1, 'outsourcing', 0.93, 'combined', $2, 't') ON CONFLICT DO NOTHING`,
      [gid, evidence],
    );
    await w.db.query(
      `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version)
       VALUES ($1, 'outsourcing', 0.93, 'combined', '[]', 't') ON CONFLICT DO NOTHING`,
      [gid],
    );
  }
  const gids = (await w.db.query<{ gid: string }>('SELECT gid FROM speeches')).map((r) => r.gid);
  await w.h.alerts.handleSpeeches(gids);
  await settle(w);
}

/** Everything queued is sent: handleSpeeches kicks a pass of its own, which drain() does not wait for. */
async function settle(w: World): Promise<void> {
  await w.h.alerts.dispatcher.idle();
  await w.h.alerts.dispatcher.drain();
  await w.h.alerts.dispatcher.idle();
}

async function email(w: World, address: string, criteria: Record<string, unknown>): Promise<string> {
  const made = await w.h.alerts.service.create(
    { channel: 'email', email: address, ...criteria },
    { operator: { confirmed: true } },
  );
  return made.subscription.id;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('alerts with context, rolled up per address', () => {
  let w: World;
  const mailTo = (address: string) => w.smtp.received.filter((m) => m.to.includes(address));

  beforeAll(async () => {
    w = await world((smtpUrl) => testSettings({ smtpUrl }));
    await email(w, 'alice@example.org', { q: 'tender OR contractor' });
    await email(w, 'alice@example.org', { tags: ['outsourcing'] });
    await email(w, 'alice@example.org', { persons: [ANN] });
    await email(w, 'bob@example.org', { q: 'centrally' });
    await email(w, 'carol@example.org', { q: 'passengers' });
    await ingestAndMatch(w, 'debates', 'debates2030-02-04a.xml');
    await ingestAndMatch(w, 'wrans', 'answers2030-02-04a.xml');
  });

  afterAll(async () => {
    await w?.h.close();
    await w?.smtp.close();
    await w?.db.close();
  });

  it('sends one e-mail for three subscriptions, each speech once', () => {
    const mails = mailTo('alice@example.org');
    // The debates day is one run and the written answers another: Ann's question in those
    // is a second run, so a second e-mail.
    expect(mails.map((m) => m.subject)).toHaveLength(2);
    const [day] = mails;
    const railway = `${BASE_URL}/speeches/${debate('a', '21.2')}`;
    // Matched by all three subscriptions, shown in full once, and named as matching the others.
    expect(count(day!.html, `href="${railway}"`)).toBe(1);
    expect(day!.html).toContain('Also matches: tag outsourcing; Ann Example');
    // The tag alert matched nothing the others had not: its section is left out, its evidence kept.
    expect(day!.text).not.toContain('== tag outsourcing');
    for (const label of ['tender OR contractor', 'Ann Example']) expect(day!.text).toContain(`== ${label}`);
    expect(day!.headers.get('list-unsubscribe')).toContain('/alerts/manage?token=');
  });

  it('shows an answer in question time with the question it answers', () => {
    const day = mailTo('alice@example.org')[0]!;
    // "contractor" matches the minister's answer; Ann's question is quoted above it.
    expect(day.text).toContain(
      'In reply to: Ann Example: “What assessment the Secretary of State has made of the quality of hospital cleaning',
    );
    expect(day.html).toContain('In reply to');
    expect(day.html).toContain(`href="${BASE_URL}/speeches/${debate('a', '20.4')}"`);
  });

  it('shows a debate speech with the paragraphs around the match, collapsed in HTML', () => {
    const day = mailTo('alice@example.org')[0]!;
    expect(day.html).toMatch(
      /<details[^>]*>\s*<summary[^>]*>Paragraph before<\/summary>[\s\S]*?I rise to speak about the line through Wexbury/,
    );
    expect(day.html).toMatch(
      /<summary[^>]*>Paragraph after<\/summary>[\s\S]*?My constituents deserve a railway run for them/,
    );
    expect(day.text).toContain('Before: I rise to speak about the line through Wexbury');
    expect(day.html).toContain('RAILWAYS BILL: Second Reading');
    expect(day.html).toContain('href="http://example.org/cm300204/debtext/0001.htm#s1"');
    expect(day.html).toContain('https://www.theyworkforyou.com/');
  });

  it('shows a tag alert with its evidence highlighted and why the tag was given', () => {
    const day = mailTo('alice@example.org')[0]!;
    expect(day.html).toMatch(/Tagged outsourcing/);
    expect(day.html).toMatch(
      /renew the <mark[^>]*>franchise<\/mark> without any public <mark[^>]*>tender<\/mark>/,
    );
    expect(day.text).toContain("The taxonomy's rules match “franchise”; the classifier weighed “tender”.");
    expect(day.text).toContain('renew the *franchise* without any public *tender*');
  });

  it('shows a written answer with its question, and a written question with its answer', () => {
    const [bob] = mailTo('bob@example.org');
    expect(bob!.text).toContain(
      'The question: Ann Example: “To ask the Secretary of State for Health how many patient transport journeys',
    );
    expect(bob!.text).toContain('“information is not held *centrally*.');
    const answers = mailTo('alice@example.org')[1]!;
    // Ann's own written question (person alert) carries the answer it got.
    expect(answers.text).toContain('The answer: Bob Sample: “The information is not held centrally.');
  });

  it("includes the followed MP's vote, once across the a → b revision", async () => {
    const day = mailTo('alice@example.org')[0]!;
    expect(day.text).toContain('Division 42: RAILWAYS BILL: Second Reading');
    expect(day.text).toMatch(/Ann Example voted Aye/);
    expect(day.text).toContain('Ayes 1, Noes 1 · Result: a tie');
    expect(day.text).toContain('Debate tagged: outsourcing');
    const before = mailTo('alice@example.org').length;
    await ingestAndMatch(w, 'debates', 'debates2030-02-04b.xml');
    expect(mailTo('alice@example.org').length).toBe(before);
    const votes = await w.db.query(
      `SELECT 1 FROM alert_deliveries WHERE item ? 'division' AND subscription_id IN
         (SELECT id FROM alert_subscriptions WHERE channel_settings->>'email' = 'alice@example.org')`,
    );
    expect(votes.length).toBe(1);
  });

  it('puts the same context in webhook payloads and Atom entries', async () => {
    const rows = await w.db.query<{ item: AlertItem }>(
      `SELECT item FROM alert_deliveries WHERE speech_gid = $1 LIMIT 1`,
      [wrans('500.r0')],
    );
    const item = rows[0]!.item;
    const sub = (await w.h.alerts.subscriptions.byEmail('bob@example.org'))[0]!;
    const payload = webhookPayload('1', 'alert', sub, [item], new Date(), w.h.alerts.links);
    expect(payload.speeches[0]!.siteUrl).toBe(`${BASE_URL}/speeches/${wrans('500.r0')}`);
    expect(payload.speeches[0]!.context?.kind).toBe('written-answer');
    expect(payload.speeches[0]!.context?.question?.text).toMatch(/^To ask the Secretary of State for Health/);
    // The API document's schema (webhooks section) holds for real payloads, votes included.
    const all = await w.db.query<{ item: AlertItem }>('SELECT item FROM alert_deliveries ORDER BY id');
    const full = webhookPayloadSchema.parse(
      JSON.parse(
        JSON.stringify(
          webhookPayload(
            '2',
            'digest',
            sub,
            all.map((r) => r.item),
            new Date(),
            w.h.alerts.links,
          ),
        ),
      ),
    );
    expect(full.speeches.some((s) => s.division?.vote === 'aye')).toBe(true);
    expect(
      full.speeches.some((s) => s.context?.tagEvidence[0]?.paragraphHtml.includes('<mark>franchise</mark>')),
    ).toBe(true);
    const atom = renderAtom(
      sub,
      [{ id: '1', matchedAt: '2030-02-04T12:00:00Z', item }],
      'https://x/feed',
      w.h.alerts.links,
    );
    expect(atom).toContain(`href="${BASE_URL}/speeches/${wrans('500.r0')}"`);
    expect(atom).toContain('The question');
  });
});

describe('caps', () => {
  let w: World;
  const mailTo = (address: string) => w.smtp.received.filter((m) => m.to.includes(address));

  beforeAll(async () => {
    w = await world((smtpUrl) => ({
      ...testSettings({ smtpUrl }),
      mailShape: { rollup: true, context: true, maxSpeeches: 1, perDay: 2 },
    }));
  });

  afterAll(async () => {
    await w?.h.close();
    await w?.smtp.close();
    await w?.db.close();
  });

  it('lists speeches past the size cap as links, and stops at the daily cap with a link to the site', async () => {
    await email(w, 'dan@example.org', { persons: [ANN] });
    await ingestAndMatch(w, 'debates', 'debates2030-02-04a.xml');
    const [first] = mailTo('dan@example.org');
    // Two speeches and a vote: one in full, two as links.
    expect(first!.text).toContain('== 2 more (not shown in full) ==');
    expect(count(first!.html, '<blockquote')).toBe(1);
    expect(first!.text).not.toContain('last alert e-mail today');

    await ingestAndMatch(w, 'wrans', 'answers2030-02-04a.xml');
    const second = mailTo('dan@example.org')[1];
    expect(second!.text).toContain('This is the last alert e-mail today: you get at most 2 a day.');
    expect(second!.html).toContain('more on the site</a>');

    await email(w, 'dan@example.org', { q: 'timetable' });
    const gids = (await w.db.query<{ gid: string }>('SELECT gid FROM speeches')).map((r) => r.gid);
    const outcome = await w.h.alerts.handleSpeeches(gids);
    expect(outcome.recorded).toBe(1);
    await settle(w);
    expect(mailTo('dan@example.org')).toHaveLength(2);
    // Logged all the same: on the site, and never e-mailed twice.
    const logged = await w.db.query(`SELECT 1 FROM alert_deliveries WHERE speech_gid = $1`, [
      debate('a', '21.3'),
    ]);
    expect(logged.length).toBe(1);
  });
});

describe('preview and the confirmation page', () => {
  let w: World;

  beforeAll(async () => {
    w = await world((smtpUrl) => testSettings({ smtpUrl }));
    await ingestAndMatch(w, 'debates', 'debates2030-02-04a.xml');
  });

  afterAll(async () => {
    await w?.h.close();
    await w?.smtp.close();
    await w?.db.close();
  });

  it('renders the next e-mail from stored speeches, on the manage page and by id, sending and logging nothing', async () => {
    const id = await email(w, 'erin@example.org', { persons: [ANN] });
    await email(w, 'erin@example.org', { q: 'timetable' });
    const preview = await w.h.alerts.preview(id, '2030-02-04');
    // Ann's two speeches and her vote, and Bob's "timetable" from erin's other alert.
    expect(preview?.matches).toBe(4);
    expect(preview?.mail?.text).toContain('Ann Example voted Aye');
    expect(preview?.mail?.text).toContain('== timetable · 1 match ==');
    expect(await w.h.alerts.preview(id, '2031-01-01')).toMatchObject({ matches: 0, mail: null });
    expect(await w.h.alerts.preview('al_nope', null)).toBeNull();

    const manage = new URL(w.h.alerts.links.manage('erin@example.org'));
    const page = await w.h.app.inject({
      method: 'GET',
      url: `/alerts/manage?token=${encodeURIComponent(manage.searchParams.get('token')!)}`,
    });
    const link = /href="(\/alerts\/manage\/preview\?[^"]+)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
    const shown = await w.h.app.inject({ method: 'GET', url: link });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Nothing was sent.');
    expect(shown.body).toContain('<strong>Ann Example</strong> voted <strong>Aye</strong>');
    expect(shown.headers['content-security-policy']).toContain("default-src 'none'");
    const other = await w.h.app.inject({
      method: 'GET',
      url: link.replace(/id=[^&]+/, 'id=al_someone_else'),
    });
    expect(other.statusCode).toBe(400);

    expect(w.smtp.received.filter((m) => m.to.includes('erin@example.org'))).toHaveLength(0);
    expect(await w.db.query(`SELECT 1 FROM alert_deliveries`)).toHaveLength(0);
  });

  it('shows the last few matches once a subscription is confirmed', async () => {
    await w.h.alerts.service.requestEmail(
      { email: 'fay@example.org', q: 'cleaned OR passengers' },
      { ip: '192.0.2.9' },
    );
    const [made] = await w.h.alerts.subscriptions.byEmail('fay@example.org');
    const token = new URL(w.h.alerts.links.confirm(made!.id)).searchParams.get('token')!;
    const res = await w.h.app.inject({ method: 'POST', url: '/alerts/confirm', payload: { token } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Recent matches');
    expect(res.body).toContain(`href="/speeches/${debate('a', '21.2')}"`);
    expect(res.body).toContain(`href="/speeches/${debate('a', '20.4')}"`);
    expect(res.body).toMatch(/<mark>passengers<\/mark>/);
  });
});
