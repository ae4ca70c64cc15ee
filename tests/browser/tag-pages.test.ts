/**
 * Tag pages, evidence and search in headless Chromium at 1280 px and 390 px, over the
 * shared week with its SQL-seeded tags: what the pages show is checked against the store.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { TAXONOMY_TAGS, webServer, webStore } from '../web/api-fixture.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';

const DESCRIPTION = 'Contracting NHS services out to private companies.';
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe.skipIf(!corpusAvailable() || !browserAvailable('tag page'))(
  'tag pages, evidence and search in Chromium',
  () => {
    let db: Db;
    let app: FastifyInstance;
    let browser: Browser;
    const contexts = new Map<string, BrowserContext>();
    let base: string;
    const problems: string[] = [];

    async function open(width: string, path: string): Promise<Page> {
      const page = await contexts.get(width)!.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${path}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      return page;
    }

    async function storeCount(sql: string, params: unknown[] = []): Promise<number> {
      const [row] = await db.query<{ n: number }>(sql, params);
      return row?.n ?? -1;
    }

    beforeAll(async () => {
      db = await webStore('postgres');
      const tags = TAXONOMY_TAGS.map((t) =>
        t.id === 'outsourcing' ? { ...t, description: DESCRIPTION } : t,
      );
      app = await webServer(db, { tags });
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      for (const w of WIDTHS)
        contexts.set(w.name, await browser.newContext({ viewport: { width: w.width, height: w.height } }));
    }, 600_000);
    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await db?.close();
    });

    for (const w of WIDTHS) {
      describe(`at ${w.width} px`, () => {
        it('the tag list links each tag to its page, with the taxonomy description', async () => {
          const page = await open(w.name, '/tags');
          await page.getByRole('link', { name: 'Outsourcing', exact: true }).click();
          await page.waitForURL(/\/tags\/outsourcing$/);
          expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Outsourcing');
          expect(await page.locator('.tag-description').innerText()).toBe(DESCRIPTION);
          await page.close();
        });

        it('a tag page counts what the store holds, by house and party, and shows each speech with its evidence marked', async () => {
          const page = await open(w.name, '/tags/outsourcing');
          const total = await storeCount(
            `SELECT count(*)::int AS n FROM speech_tags WHERE tag = 'outsourcing' AND confidence >= 0.5`,
          );
          expect(total).toBeGreaterThan(5);
          expect(await page.locator('h2.tag-total').getAttribute('data-total')).toBe(String(total));
          expect(await page.locator('h2.tag-total').innerText()).toBe(`${total} speeches`);
          const byHouse = await db.query<{ house: string; n: number }>(
            `SELECT s.house, count(*)::int AS n FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
            WHERE t.tag = 'outsourcing' AND t.confidence >= 0.5 GROUP BY s.house`,
          );
          const houseCells = await page.locator('table.by-house tbody td').allInnerTexts();
          expect(houseCells.map(Number).sort()).toEqual(byHouse.map((r) => r.n).sort());
          const partySum = (await page.locator('table.by-party tbody td').allInnerTexts())
            .map(Number)
            .reduce((a, b) => a + b, 0);
          expect(partySum).toBe(total);
          // The chart draws one bar segment per month with speeches.
          expect(await page.locator('#tag-timeline svg rect').count()).toBeGreaterThan(0);

          const cards = page.locator('article.result');
          expect(await cards.count()).toBe(Math.min(total, 20));
          const marks = await page
            .locator('article.result .evidence[data-tag="outsourcing"] mark')
            .allInnerTexts();
          expect(marks.length).toBeGreaterThanOrEqual(Math.min(total, 20));
          for (const m of marks) expect(m).toMatch(/outsourc|contracted out|private contractors?/i);
          const background = await page.evaluate(
            'getComputedStyle(document.querySelector(".evidence mark")).backgroundColor',
          );
          expect(background).toBe('rgb(255, 224, 102)');

          const why = page.locator('article.result details.why').first();
          await why.locator('summary').click();
          expect(await why.innerText()).toContain('Given by rules (keyword patterns)');
          expect(await why.locator('.why-list li').first().innerText()).toMatch(/outsourc|contract/i);
          // A top speaker's speeches: the search names them, with no id in the form.
          const top = page.locator('table.top-speakers tbody tr').first();
          const name = await top.locator('a').first().innerText();
          await top.getByRole('link', { name: '(speeches)' }).click();
          await page.waitForURL(/\/search\?/);
          expect(await page.getByLabel('Speaker').inputValue()).toMatch(new RegExp(`^${name} \\(`));
          const speakers = await page.locator('article.result .speaker').allInnerTexts();
          expect(speakers.length).toBeGreaterThan(0);
          expect(new Set(speakers)).toEqual(new Set([name]));
          expect(problems).toEqual([]);
          await page.close();
        });

        it('filters narrow the counts, and the alert and export links carry them', async () => {
          const page = await open(w.name, '/tags/privatisation?house=house-of-commons&minConfidence=0.6');
          const total = await storeCount(
            `SELECT count(*)::int AS n FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
            WHERE t.tag = 'privatisation' AND t.confidence >= 0.6 AND s.house = 'house-of-commons'`,
          );
          expect(await page.locator('h2.tag-total').getAttribute('data-total')).toBe(String(total));
          expect(await page.locator('#f-house').inputValue()).toBe('house-of-commons');
          const exportHref = await page
            .getByRole('link', { name: 'Export these speeches' })
            .getAttribute('href');
          expect(exportHref).toBe('/export?tag=privatisation&minConfidence=0.6&house=house-of-commons');
          await page.getByRole('link', { name: 'Alert me about this tag' }).click();
          await page.waitForURL(/\/subscribe\?/);
          expect(await page.locator('input[name="tag"][value="privatisation"]').isChecked()).toBe(true);
          expect(await page.locator('input[name="tag"][value="outsourcing"]').isChecked()).toBe(false);
          await page.close();
        });

        it('tagged speeches page both ways with stable URLs', async () => {
          const total = await storeCount(
            `SELECT count(*)::int AS n FROM speech_tags WHERE tag = 'stp' AND confidence >= 0.5`,
          );
          expect(total).toBeGreaterThan(40);
          const page = await open(w.name, '/tags/stp');
          const first = await page.locator('article.result h3 a').first().getAttribute('href');
          await page.getByRole('link', { name: /Older speeches/ }).click();
          await page.waitForURL(/cursor=/);
          const page2 = page.url();
          expect(await page.locator('.page-number').innerText()).toBe('Page 2');
          const second = await page.locator('article.result h3 a').first().getAttribute('href');
          expect(second).not.toBe(first);
          await page.getByRole('link', { name: /Older speeches/ }).click();
          await page.waitForURL(/back=/);
          expect(await page.locator('article.result').count()).toBe(Math.min(20, total - 40));
          await page.getByRole('link', { name: /Newer speeches/ }).click();
          await page.waitForURL((u) => u.toString() === page2);
          expect(await page.locator('article.result h3 a').first().getAttribute('href')).toBe(second);
          await page.getByRole('link', { name: /Newer speeches/ }).click();
          await page.waitForURL(/\/tags\/stp$/);
          expect(await page.locator('article.result h3 a').first().getAttribute('href')).toBe(first);
          await page.close();
        });

        it('search shows the exact total, marks only the phrase, and titles the page with the query', async () => {
          const page = await open(w.name, '/search?q=%22Royal+Mail%22');
          const total = await storeCount(
            `SELECT count(DISTINCT speech_gid)::int AS n FROM paragraph_search WHERE tsv @@ websearch_to_tsquery('english', '"Royal Mail"')`,
          );
          const heading = page.locator('#results-title');
          expect(await heading.getAttribute('data-total')).toBe(String(total));
          expect(await heading.getAttribute('data-exact')).toBe('true');
          expect(await heading.innerText()).toContain(`${total} speeches`);
          expect(await page.title()).toContain('“"Royal Mail"” · Search');
          const marks = (await page.locator('p.excerpt mark').allInnerTexts()).map((m) => m.toLowerCase());
          expect(marks.length).toBeGreaterThan(20);
          // Marks come as the phrase: every "royal" followed by "mail", no lone word.
          for (let i = 0; i < marks.length; i += 2)
            expect([marks[i], marks[i + 1]]).toEqual(['royal', 'mail']);
          await page.close();
        });

        it('a name search shows the person; the speaker is chosen by name with suggestions', async () => {
          const page = await open(w.name, '/search?q=David+Taylor');
          const box = page.locator('aside.people-matching');
          expect(await box.getByRole('link', { name: 'David Taylor', exact: true }).count()).toBe(1);
          await page
            .locator('details.more-filters summary')
            .click({ trial: false })
            .catch(() => undefined);
          const details = page.locator('details.more-filters');
          if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open)))
            await details.locator('summary').click();
          await page.getByLabel('Words or phrase').fill('');
          await page.getByLabel('Speaker').pressSequentially('David Tay');
          await expect
            .poll(() =>
              page
                .locator('#f-speaker-list option')
                .evaluateAll((o) => o.map((x) => (x as unknown as { value: string }).value)),
            )
            .toContain('David Taylor (Labour, North West Leicestershire)');
          await page.getByLabel('Speaker').fill('David Taylor (Labour, North West Leicestershire)');
          await Promise.all([
            page.waitForURL(/speaker=/),
            page.getByRole('button', { name: 'Search' }).click(),
          ]);
          expect(page.url()).not.toMatch(/person=/);
          const total = await storeCount(
            `SELECT count(*)::int AS n FROM speeches WHERE person_id = 'uk.org.publicwhip/person/10586'`,
          );
          expect(await page.locator('#results-title').getAttribute('data-total')).toBe(String(total));
          const speakers = await page.locator('article.result .speaker').allInnerTexts();
          expect(new Set(speakers)).toEqual(new Set(['David Taylor']));
          // No numeric id anywhere a reader sees or types.
          const inputs = await page
            .locator('form.filters input')
            .evaluateAll((xs) => xs.map((x) => (x as unknown as { value: string }).value));
          for (const v of inputs) expect(v).not.toMatch(/^\d+$|publicwhip/);
          await page.close();
        });

        it('a stop-word query says why it finds nothing, and the search offers an alert', async () => {
          const page = await open(w.name, '/search?q=the+of+and');
          expect(await page.locator('.notice').innerText()).toContain('only very common words');
          await page.close();
          const search = await open(w.name, '/search?q=privatisation&house=house-of-commons');
          const alert = await search
            .getByRole('link', { name: 'Alert me about this search' })
            .getAttribute('href');
          expect(alert).toBe('/subscribe?q=privatisation');
          await search.close();
        });
      });
    }

    it('at 390 px the search filters start folded, so the first result is on the first screen', async () => {
      const page = await open('phone', '/search?q=privatisation');
      expect(
        await page.locator('details.more-filters').evaluate((d) => (d as unknown as { open: boolean }).open),
      ).toBe(false);
      const box = await page.locator('article.result').first().boundingBox();
      expect(box!.y).toBeLessThan(844);
      await page.close();
      const wide = await open('desktop', '/search?q=privatisation');
      expect(
        await wide.locator('details.more-filters').evaluate((d) => (d as unknown as { open: boolean }).open),
      ).toBe(true);
      await wide.close();
    });

    it('search by relevance lists the best-ranked speeches first, and links back to newest first', async () => {
      const page = await open('desktop', '/search?q=hospital');
      await page.getByRole('link', { name: 'Most relevant first' }).click();
      await page.waitForURL(/order=relevance/);
      const expected = await db.query<{ gid: string }>(
        `SELECT s.gid FROM (SELECT speech_gid, max(ts_rank_cd(tsv, websearch_to_tsquery('english', 'hospital'))) AS rank
                           FROM paragraph_search WHERE tsv @@ websearch_to_tsquery('english', 'hospital') GROUP BY speech_gid) h
         JOIN speeches s ON s.gid = h.speech_gid ORDER BY h.rank DESC, s.sitting_date DESC, s.gid DESC LIMIT 3`,
      );
      const hrefs = await page
        .locator('article.result h3 a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs.slice(0, 3).map((h) => h!.slice(h!.indexOf('#') + 1))).toEqual(
        expected.map((r) => r.gid.slice(r.gid.lastIndexOf('/') + 1)),
      );
      await page.getByRole('link', { name: /Older speeches/ }).click();
      await page.waitForURL(/cursor=/);
      expect(await page.locator('.page-number').innerText()).toBe('Page 2');
      expect(await page.getByRole('link', { name: 'Newest first' }).count()).toBe(1);
      await page.close();
    });

    it('a debate page shows the evidence paragraph of a tagged speech, marked', async () => {
      const [row] = await db.query<{ debate: string; gid: string; seq: number }>(
        `SELECT COALESCE(s.minor_heading_gid, s.major_heading_gid) AS debate, t.speech_gid AS gid,
              (t.evidence->0->>'seq')::int AS seq
         FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
        WHERE t.tag = 'outsourcing' AND (t.evidence->0->>'seq')::int > 0 ORDER BY t.speech_gid LIMIT 1`,
      );
      expect(row).toBeDefined();
      const page = await open('desktop', `/debates/${row!.debate}`);
      const anchor = row!.gid.slice(row!.gid.lastIndexOf('/') + 1);
      const evidence = page.locator(`article[id="${anchor}"] .evidence[data-tag="outsourcing"]`);
      expect(await evidence.locator('.hint').first().innerText()).toBe(
        `evidence from paragraph ${row!.seq + 1}`,
      );
      expect(await evidence.locator('mark').first().innerText()).toMatch(
        /outsourc|contracted out|private contractor/i,
      );
      await page.close();
    });
  },
);
