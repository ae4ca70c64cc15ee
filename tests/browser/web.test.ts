/**
 * The site in a real browser: Debian's headless Chromium driven by playwright-core, against
 * a server listening on 127.0.0.1 over the shared week. Skips (with a message) when
 * Chromium or playwright-core is missing, except under CI where that is a failure.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { parseCsv } from '../export/rfc4180.js';
import { webServer, webStore } from '../web/api-fixture.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';

export const MP_SCREENSHOT = '/tmp/mp-page.png';

describe.skipIf(!corpusAvailable() || !browserAvailable('site'))('the site in headless Chromium', () => {
  let db: Db;
  let app: FastifyInstance;
  let browser: Browser;
  let context: BrowserContext;
  let base: string;
  /** Console errors (a CSP violation is one) and failed requests, per page. */
  const problems: string[] = [];

  async function open(path: string, ctx: BrowserContext = context): Promise<Page> {
    const page = await ctx.newPage();
    page.on('console', (m) => {
      // The subscribe form's 400 and 501 answers are the point of its tests, not problems.
      const expected = path === '/subscribe' && /status of (400|501)\b/.test(m.text());
      if (m.type() === 'error' && !expected) problems.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
    const res = await page.goto(`${base}${path}`);
    expect(res?.status(), path).toBeLessThan(400);
    return page;
  }

  beforeAll(async () => {
    db = await webStore('postgres');
    app = await webServer(db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  it('a search for "Royal Mail" shows highlighted results', async () => {
    const page = await open('/search');
    await page.getByLabel('Words or phrase').fill('"Royal Mail"');
    await Promise.all([
      page.waitForURL(/\/search\?q=/),
      page.getByRole('button', { name: 'Search' }).click(),
    ]);
    await expect.poll(() => page.locator('article.result').count()).toBe(20);
    const marks = page.locator('article.result mark');
    expect(await marks.count()).toBeGreaterThan(20);
    expect((await marks.first().innerText()).toLowerCase()).toMatch(/royal|mail/);
    // The highlight is visible: a yellow background, not just an element.
    const background = await page.evaluate(
      'getComputedStyle(document.querySelector("article.result mark")).backgroundColor',
    );
    expect(background).toBe('rgb(255, 224, 102)');
    await page.getByRole('link', { name: 'Older speeches' }).click();
    await expect.poll(() => page.locator('article.result').count()).toBe(10);
    await page.close();
  });

  it("an MP's page shows the week's speeches, party and seat in 2009, and a rendered chart", async () => {
    const page = await open('/people/10287');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Phil Hope');
    // Party and seat once, in the heading: the week's speeches fall within the current seat, so no "at the time" line repeats it.
    expect(await page.locator('.person-head .roles').innerText()).toBe('MP for Corby, Labour');
    expect(await page.locator('p.at-the-time').count()).toBe(0);
    const row2009 = page.locator('table.memberships tbody tr').first();
    expect(await row2009.innerText()).toMatch(/5 May 2005 – present\s+House of Commons\s+Labour\s+Corby/);

    const chart = page.getByRole('img', { name: /Contributions by month and tag/ });
    await chart.scrollIntoViewIfNeeded();
    expect(await chart.locator('rect').count()).toBe(3);
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    const heights = await chart
      .locator('rect')
      .evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().height));
    expect(heights.every((h) => h > 0)).toBe(true);
    expect(await page.locator('ul.legend li').allInnerTexts()).toEqual([
      'Untagged',
      'Privatisation',
      'Sustainability and transformation plans',
    ]);

    const latest = page.locator('section[aria-labelledby="latest-title"] article.result');
    expect(await latest.count()).toBe(10);
    for (const date of await latest.locator('time').allInnerTexts())
      expect(date).toMatch(/^2[6-9] Oct 2009$/);
    await page.screenshot({ path: MP_SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('the subscribe form round-trips: validation messages, then the outcome', async () => {
    const page = await open('/subscribe');
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('Email: must be an email address');
    expect(await alert.innerText()).toContain('give words to search for, a tag or a person to follow');
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Email address').fill('campaigner@example.org');
    await page.getByLabel('Privatisation').check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toContain('Email alerts are not available on this server yet');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });

  it('the subscribe form also round-trips without JavaScript', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await open('/subscribe', noJs);
      await page.getByLabel('Email address').fill('nope');
      await Promise.all([
        page.waitForURL(/\/api\/v1\/subscriptions$/),
        page.getByRole('button', { name: 'Subscribe' }).click(),
      ]);
      expect(await page.getByRole('alert').innerText()).toContain('must be an email address');
      expect(await page.getByLabel('Email address').inputValue()).toBe('nope');
    } finally {
      await noJs.close();
    }
  });

  it('an export downloads and parses as valid CSV', async () => {
    const page = await open('/export');
    await page.getByLabel('Privatisation').check();
    await page.getByRole('radio', { name: /^CSV/ }).check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^hansard-watch-paragraphs-\d{8}-\d{6}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = parseCsv(text);
    expect(header?.slice(0, 4)).toEqual(['gid', 'paragraph_seq', 'pid', 'sitting_date']);
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM paragraph_tags WHERE tag = 'privatisation' AND confidence >= 0.5`,
    );
    expect(rows).toHaveLength(n);
    const tagsAt = header!.indexOf('tags');
    const citationAt = header!.indexOf('citation');
    for (const r of rows) {
      expect(r[tagsAt]).toMatch(/privatisation:0\.\d\d/);
      expect(r[citationAt]?.length).toBeGreaterThan(8);
    }
    await page.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      for (const path of [
        '/',
        `/search?q=${encodeURIComponent('"Royal Mail"')}`,
        '/people/10287',
        '/export',
        '/subscribe',
        '/debates/uk.org.publicwhip/debate/2009-10-26b.1.4',
      ]) {
        const page = await open(path, phone);
        // A string, evaluated in the page: the tests compile without the DOM's types.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow, path).toBeLessThanOrEqual(0);
        await page.close();
      }
    } finally {
      await phone.close();
    }
  });

  it('raised no console errors (such as CSP violations) on any page', () => {
    expect(problems).toEqual([]);
  });
});
