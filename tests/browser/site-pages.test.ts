/**
 * MP pages, browsing by date and the site's error pages in headless Chromium, at a desktop
 * (1280 px) and a phone (390 px) width, against the read-only server (`serve`, with its
 * fallback pages) over the shared week. What the pages show is compared with the store.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_TYPES } from '../../src/parliament/index.js';
import { houseTypes } from '../../src/search/day-repository.js';
import type { Db } from '../../src/store/db.js';
import { voteLabel } from '../../src/web/pages/person-votes.js';
import { buildServer } from '../../src/web/server.js';
import { corpusAvailable } from '../support/corpus.js';
import { TAXONOMY_TAGS, webStore } from '../web/api-fixture.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';

const WIDTHS = [1280, 390] as const;

const PHIL_HOPE = 'uk.org.publicwhip/person/10287';
const SALMOND = 'uk.org.publicwhip/person/10525';

describe.skipIf(!corpusAvailable() || !browserAvailable('MP'))('MP, day and error pages in Chromium', () => {
  let db: Db;
  let app: FastifyInstance;
  let browser: Browser;
  const contexts = new Map<number, BrowserContext>();
  let base: string;
  const problems: string[] = [];

  async function open(path: string, width: number, status = 200): Promise<Page> {
    const page = await contexts.get(width)!.newPage();
    page.on('console', (m) => {
      // A 4xx page's own status shows in the console as a failed load; that is the point of those tests.
      if (m.type() === 'error' && !(status >= 400 && /status of 4\d\d/.test(m.text())))
        problems.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
    const res = await page.goto(`${base}${path}`);
    expect(res?.status(), path).toBe(status);
    return page;
  }

  async function noSidewaysScroll(page: Page, what: string): Promise<void> {
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, what).toBeLessThanOrEqual(0);
  }

  /** Every chamber division of `house` types on the person's sitting days, and every division they voted in. */
  async function expectedVotes(personId: string, types: string[]): Promise<Map<string, string>> {
    const rows = await db.query<{ gid: string; votes: string[] | null }>(
      `SELECT d.gid, (SELECT array_agg(v.vote ORDER BY v.seq) FROM votes v
                       WHERE v.division_gid = d.gid AND v.person_id = $1) AS votes
         FROM divisions d
        WHERE d.type = ANY($2::text[]) OR EXISTS (SELECT 1 FROM votes v WHERE v.division_gid = d.gid AND v.person_id = $1)`,
      [personId, types],
    );
    return new Map(
      rows.map((r) => [r.gid, r.votes ? r.votes.map(voteLabel).join(', ') : 'No vote recorded']),
    );
  }

  async function shownVotes(page: Page): Promise<Map<string, string>> {
    const rows = page.locator('table.votes tbody tr');
    const out = new Map<string, string>();
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      out.set((await row.getAttribute('data-division'))!, (await row.locator('td.vote').innerText()).trim());
    }
    return out;
  }

  beforeAll(async () => {
    db = await webStore('postgres');
    app = await buildServer({
      role: 'read',
      db,
      log: pino({ level: 'silent' }),
      adminToken: null,
      types: FEED_TYPES,
      tags: TAXONOMY_TAGS,
      rateLimits: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    for (const width of WIDTHS)
      contexts.set(
        width,
        await browser.newContext({
          viewport: { width, height: 900 },
          ...(width < 600 ? { isMobile: true, hasTouch: true } : {}),
        }),
      );
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  for (const width of WIDTHS) {
    it(`an MP's page lists every Commons division of the week with their vote, at ${width} px`, async () => {
      const page = await open('/people/10287', width);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Phil Hope');
      // Party and seat said once, in words, with no "None" or dash standing for a party.
      expect(await page.locator('.person-head .roles').innerText()).toBe('MP for Corby, Labour');
      const text = await page.locator('main').innerText();
      expect(text.match(/MP for Corby, Labour/g)).toHaveLength(1);
      expect(text).not.toMatch(/\bNone\b/);
      expect(await page.locator('svg.portrait').count()).toBe(1);
      expect(await page.getByRole('link', { name: 'TheyWorkForYou' }).first().getAttribute('href')).toBe(
        'https://www.theyworkforyou.com/mp/?p=10287',
      );

      const expected = await expectedVotes(PHIL_HOPE, ['debates']);
      expect(expected.size).toBeGreaterThan(0);
      expect(await shownVotes(page)).toEqual(expected);
      // The debate each division closed is linked, and the tagged one shows its tag.
      const tagged = await db.query<{ gid: string }>(
        `SELECT DISTINCT d.gid FROM divisions d JOIN speeches s ON s.group_key = d.group_key
           JOIN speech_tags t ON t.speech_gid = s.gid AND t.confidence >= 0.5
          WHERE d.type = 'debates' AND COALESCE(d.minor_heading_gid, d.major_heading_gid) IN (s.minor_heading_gid, s.major_heading_gid)`,
      );
      for (const { gid } of tagged)
        expect(await page.locator(`tr[data-division="${gid}"] a.tag`).count(), gid).toBeGreaterThan(0);
      expect(await page.locator('table.votes tbody tr td:nth-child(2) a').count()).toBe(expected.size);

      // Speeches per tag: each tag's speeches carry it at the confidence shown.
      const stp = page.locator('.tag-speeches[data-tag="stp"] ul.tag-speech-list > li');
      expect(await stp.count()).toBe(3);
      for (const c of await stp.locator('.confidence').allInnerTexts())
        expect(Number(c)).toBeGreaterThanOrEqual(0.5);
      // Each shows the paragraph that earned the tag, its words marked, not the speech's opening.
      expect(await stp.locator('.evidence[data-tag="stp"] mark').count()).toBeGreaterThanOrEqual(3);
      await noSidewaysScroll(page, `/people/10287 at ${width}`);
      await page.close();
    });
  }

  it('an office-holder is shown as the person, with absences where the whole house divided', async () => {
    const page = await open('/people/10525', 390);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Alex Salmond');
    expect(await page.locator('.person-head .roles').innerText()).toBe(
      'MSP for Gordon, Scottish National Party\nMP for Banff & Buchan, Scottish National Party',
    );
    const expected = await expectedVotes(SALMOND, ['debates', 'sp']);
    expect(await shownVotes(page)).toEqual(expected);
    expect([...expected.values()]).toContain('No vote recorded');
    // His First Minister's Questions answers are headed by his name, the office beside it.
    const who = page.locator('section[aria-labelledby="latest-title"] .who').first();
    expect(await who.innerText()).toMatch(/^The First Minister · Alex Salmond/);
    await noSidewaysScroll(page, '/people/10525 at 390');
    await page.close();
  });

  it('"E-mail me when this MP speaks" opens the alert form filled in with the person', async () => {
    const page = await open('/people/10287', 1280);
    await Promise.all([
      page.waitForURL(/\/subscribe\?person=10287$/),
      page.getByRole('link', { name: 'E-mail me when Phil Hope speaks' }).click(),
    ]);
    expect(await page.getByLabel('Person (optional)').inputValue()).toBe('Phil Hope (Labour, Corby)');
    await page.close();
  });

  it('the alert form takes the person by name, with suggestions, and names a person it does not know', async () => {
    // Not open(): this read-only server answers a valid request 501, which the console reports as a failed load.
    const page = await contexts.get(1280)!.newPage();
    page.on('pageerror', (e) => problems.push(`/subscribe: ${e.message}`));
    await page.goto(`${base}/subscribe?person=10287`);
    const person = page.getByLabel('Person (optional)');
    expect(await person.inputValue()).toBe('Phil Hope (Labour, Corby)');
    expect(await page.locator('#f-person').count()).toBe(0);
    await page.getByLabel('Email address').fill('campaigner@example.org');
    await person.fill('');
    await person.pressSequentially('Phil Ho');
    await expect
      .poll(() =>
        page.locator('#f-speaker-list option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
      )
      .toContain('Phil Hope (Labour, Corby)');
    await person.fill('phil hope');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    // 501 is this server's answer to a valid request: the name became a person.
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Email alerts are not available');
    await person.fill('Nobody Atall');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toContain('Person: no MP or peer called “Nobody Atall” is in the member data');
    expect(await person.getAttribute('aria-invalid')).toBe('true');
    await page.close();
  });

  for (const width of WIDTHS) {
    it(`a day page lists the day's debates in the house with their tags, at ${width} px`, async () => {
      const page = await open('/days/2009-10-27/house-of-commons', width);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('House of Commons, 27 Oct 2009');
      const headings = await db.query<{ gid: string; title: string; tagged: boolean }>(
        `SELECT h.gid, h.title, EXISTS (
                  SELECT 1 FROM speeches s JOIN speech_tags t ON t.speech_gid = s.gid
                   WHERE COALESCE(s.minor_heading_gid, s.major_heading_gid) = h.gid AND t.confidence >= 0.5) AS tagged
           FROM headings h JOIN sittings st ON st.group_key = h.group_key
          WHERE st.sitting_date = '2009-10-27' AND st.type = ANY($1::text[])`,
        [houseTypes('house-of-commons')],
      );
      const links = page.locator('li.day-debate > a');
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(new Set(hrefs)).toEqual(new Set(headings.map((h) => `/debates/${encodeURI(h.gid)}`)));
      expect(hrefs).toHaveLength(headings.length);
      const taggedShown = await page
        .locator('li.day-debate:has(> ul.tags) > a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(new Set(taggedShown)).toEqual(
        new Set(headings.filter((h) => h.tagged).map((h) => `/debates/${encodeURI(h.gid)}`)),
      );
      expect(taggedShown.length).toBeGreaterThan(0);
      // Upper-case titles in title case; times as Hansard prints them.
      expect(await page.locator('li.day-debate > a').allInnerTexts()).toContain('Oral Answers to Questions');
      for (const t of await page.locator('li.day-debate time').allInnerTexts())
        expect(t).toMatch(/^(1[0-2]|[1-9])(\.[0-5]\d)? (am|pm)$|^12 (noon|midnight)$/);
      await noSidewaysScroll(page, `day page at ${width}`);
      await page.close();
    });
  }

  it('the calendar reaches a day, the day a debate, and debates link to their neighbours', async () => {
    const page = await open('/days?month=2009-10', 390);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sittings in Oct 2009');
    const sat = await db.query<{ d: string }>(
      `SELECT DISTINCT sitting_date::text AS d FROM sittings WHERE sitting_date >= '2009-10-01' AND sitting_date < '2009-11-01'`,
    );
    expect(await page.locator('td.sitting').count()).toBe(sat.length);
    await noSidewaysScroll(page, 'calendar at 390');
    await Promise.all([
      page.waitForURL(/\/days\/2009-10-29\/scottish-parliament$/),
      page.getByRole('link', { name: 'Scottish Parliament, 29 Oct 2009' }).click(),
    ]);
    const first = page.locator('li.day-debate > a').first();
    const title = await first.innerText();
    await Promise.all([page.waitForURL(/\/debates\//), first.click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    const next = page.locator('nav.debate-pager a[rel="next"]');
    const nextTitle = (await next.innerText()).replace(/^Next\s*/, '');
    await Promise.all([page.waitForURL(/\/debates\//), next.click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(nextTitle);
    expect(await page.locator('nav.debate-pager a[rel="prev"]').innerText()).toContain(title);
    await page.close();
  });

  it('a linked speech is scrolled to and highlighted', async () => {
    const page = await open('/speeches/uk.org.publicwhip/debate/2009-10-26b.1.8', 1280);
    expect(page.url()).toMatch(/#2009-10-26b\.1\.8$/);
    const target = page.locator('article.speech:target');
    expect(await target.getAttribute('id')).toBe('2009-10-26b.1.8');
    // Strings, evaluated in the page: the tests compile without the DOM's types.
    expect(
      await page.evaluate(
        'getComputedStyle(document.querySelector("article.speech:target")).backgroundColor',
      ),
    ).toBe('rgb(255, 246, 204)');
    expect(
      await page.evaluate(
        'getComputedStyle(document.querySelector("article.speech:not(:target)")).backgroundColor',
      ),
    ).toBe('rgba(0, 0, 0, 0)');
    await page.close();
  });

  for (const width of WIDTHS) {
    it(`errors are site pages with a way on, and the API keeps JSON, at ${width} px`, async () => {
      let page = await open('/people/abc', width, 400);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Person not found');
      expect(await page.locator('main').innerText()).not.toContain('Invalid path');
      await Promise.all([
        page.waitForURL(/\/people\?q=abc$/),
        page.getByRole('link', { name: 'Find people named "abc"' }).click(),
      ]);
      await page.close();

      page = await open('/no/such/page', width, 404);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found');
      expect(await page.getByRole('link', { name: 'Browse by date' }).count()).toBe(1);
      await noSidewaysScroll(page, `404 at ${width}`);
      await page.close();

      page = await open('/days/2009-02-30/house-of-commons', width, 400);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('That date is not valid');
      expect(await page.getByRole('link', { name: 'Go to the calendar' }).count()).toBe(1);
      await page.close();

      page = await open('/days/2009-10-31/house-of-lords', width, 404);
      expect(await page.locator('main').innerText()).toContain(
        'The record has no sitting of the House of Lords on 31 Oct 2009.',
      );
      await page.close();

      page = await open('/search?from=yesterday', width, 400);
      expect(await page.locator('main').innerText()).not.toMatch(/Invalid (query|path)/);
      await page.close();
    });
  }

  it('the API answers unknown paths and bad ids in JSON', async () => {
    for (const path of ['/api/v1/nope', '/api/v1/people/abc']) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
  });

  it('raised no console errors (such as CSP violations) on any page', () => {
    expect(problems).toEqual([]);
  });
});
