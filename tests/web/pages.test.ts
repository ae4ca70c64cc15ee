import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { MP_SHORT_ID, webServer, webStore } from './api-fixture.js';

/**
 * Structural accessibility and safety checks on a rendered page: landmarks, one h1 and no
 * skipped heading levels, a label for every control, unique ids, and no inline script,
 * event handler or style attribute (the CSP would block them anyway).
 */
function checkPage(body: string, url: string): void {
  expect(body.startsWith('<!doctype html>'), url).toBe(true);
  expect(body).toContain('<html lang="en-GB">');
  expect(body).toMatch(/<header class="banner">/);
  expect(body).toMatch(/<nav aria-label="Main">/);
  expect(body.match(/<main\b/g)?.length, url).toBe(1);
  expect(body).toMatch(/<footer\b/);
  expect(body.match(/<h1\b/g)?.length, `${url}: one h1`).toBe(1);
  const levels = [...body.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
  levels.forEach((level, i) => {
    if (i > 0)
      expect(level - levels[i - 1]!, `${url}: heading h${levels[i - 1]} → h${level}`).toBeLessThanOrEqual(1);
  });
  const ids = [...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size, `${url}: duplicate ids`).toBe(ids.length);
  for (const control of body.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
    const attrs = control[2] ?? '';
    if (/type="(hidden|submit)"/.test(attrs)) continue;
    const id = /\sid="([^"]+)"/.exec(attrs)?.[1];
    const labelled = id ? body.includes(`for="${id}"`) : false;
    const wrapped =
      body.slice(Math.max(0, control.index - 200), control.index).lastIndexOf('<label') >
      body.slice(Math.max(0, control.index - 200), control.index).lastIndexOf('</label>');
    expect(labelled || wrapped, `${url}: unlabelled ${control[0]}`).toBe(true);
  }
  expect(body, url).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  expect(body, url).not.toMatch(/\son[a-z]+\s*=/i);
  expect(body, url).not.toMatch(/\sstyle\s*=/i);
  expect(body, url).not.toMatch(/<iframe\b/i);
}

describe.skipIf(!corpusAvailable())('server-rendered pages on the shared week', () => {
  let db: Db;
  let app: FastifyInstance;
  /**
   * The page with runs of whitespace collapsed, and none just inside a tag's brackets: the
   * templates are formatted by prettier, which breaks long tags over lines without changing
   * what a browser makes of them.
   */
  const flat = (body: string): string => body.replace(/\s+/g, ' ').replace(/ >/g, '>').replace(/< /g, '<');
  const page = async (url: string, status = 200) => {
    const raw = await app.inject({ method: 'GET', url });
    const res = Object.assign(raw, { body: flat(raw.body) });
    expect(res.statusCode, url).toBe(status);
    if (status === 200 || status === 400 || status === 404) {
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      checkPage(res.body, url);
    }
    return res;
  };

  beforeAll(async () => {
    db = await webStore('postgres');
    app = await webServer(db);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('home lists the tags and the latest tagged speeches', async () => {
    const { body } = await page('/');
    expect(body).toContain('Latest tagged speeches');
    expect(body).toContain('href="/tags/privatisation"');
    expect(body.match(/<article class="result">/g)?.length).toBe(10);
    expect(body).toContain('class="tag"');
  });

  it('search shows highlighted results with filters, and a next-page link', async () => {
    const { body } = await page(`/search?q=${encodeURIComponent('"Royal Mail"')}`);
    expect(body).toContain('<mark>Royal</mark> <mark>Mail</mark>');
    expect(body.match(/<article class="result">/g)?.length).toBe(20);
    expect(body).toContain('rel="next"');
    expect(body).toContain('value="&quot;Royal Mail&quot;"');
    const next = /href="(\/search\?[^"]*cursor=[^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
    const second = await page(next!);
    expect(second.body.match(/<article class="result">/g)?.length).toBe(10);
    const filtered = await page(`/search?q=health&tag=stp&type=wrans&house=house-of-commons`);
    expect(filtered.body).toMatch(/<option value="wrans" selected>/);
    expect(filtered.body).toMatch(/value="stp" checked/);
  });

  it('search explains bad input next to the field, with a 400', async () => {
    const { body } = await page('/search?q=x&from=2009-02-30&minConfidence=2', 400);
    expect(body).toContain('class="error-summary" role="alert"');
    expect(body).toContain('href="#f-from"');
    expect(body).toContain('aria-invalid="true" aria-describedby="f-from-error"');
    expect(body).toContain('must be a number from 0 to 1');
  });

  it('a debate page shows each speech with sanitised text and anchors', async () => {
    const { body } = await page('/debates/uk.org.publicwhip/debate/2009-10-26b.1.4');
    // Hansard's upper-case heading, in title case.
    expect(body).toContain('<h1>Home Department</h1>');
    expect(body).toContain('id="2009-10-26b.1.7"');
    expect(body).toContain('class="subheading"');
    const old = await app.inject({ method: 'GET', url: '/debates/uk.org.publicwhip/debate/2009-10-26a.1.4' });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/debates/uk.org.publicwhip/debate/2009-10-26b.1.4');
    const speech = await app.inject({
      method: 'GET',
      url: '/speeches/uk.org.publicwhip/debate/2009-10-26a.1.7',
    });
    expect(speech.statusCode).toBe(301);
    expect(speech.headers.location).toBe('/debates/uk.org.publicwhip/debate/2009-10-26b.1.6#2009-10-26b.1.7');
    await page('/debates/uk.org.publicwhip/debate/1999-01-01a.1.1', 404);
  });

  it('shows speech times as Hansard prints them, with HH:MM for machines', async () => {
    // The feed writes these times as `011:32:00` and `14:30:00`.
    const business = await page('/debates/uk.org.publicwhip/debate/2009-10-29a.443.0');
    expect(business.body).toContain('<time datetime="11:32">11.32 am</time>');
    const { body } = await page('/debates/uk.org.publicwhip/debate/2009-10-26b.1.4');
    expect(body).toContain('<time datetime="14:30">2.30 pm</time>');
    for (const shown of [...business.body.matchAll(/<time datetime="([^"]*)">([^<]*)<\/time>/g)])
      if (shown[1]!.includes(':'))
        expect(shown[2], shown[0]).toMatch(/^(1[0-2]|[1-9])(\.[0-5]\d)? (am|pm)$|^12 (noon|midnight)$/);
  });

  it('renders stored feed HTML defensively', async () => {
    // A hostile paragraph that got past ingest must not reach the browser as markup.
    await db.query(
      `UPDATE paragraphs SET html = $1 WHERE speech_gid = 'uk.org.publicwhip/debate/2009-10-26b.1.7' AND seq = 0`,
      [
        'Safe <i>text</i><script>alert(1)</script><img src=x onerror="alert(2)"><iframe src="https://evil.example"></iframe><a href="javascript:alert(3)">x</a>',
      ],
    );
    const { body } = await page('/debates/uk.org.publicwhip/debate/2009-10-26b.1.6');
    expect(body).toContain('Safe <i>text</i><a>x</a>');
    expect(body).not.toContain('alert(');
    const api = await app.inject({
      method: 'GET',
      url: '/api/v1/speeches/uk.org.publicwhip/debate/2009-10-26b.1.7',
    });
    expect(api.json<{ paragraphs: { html: string }[] }>().paragraphs[0]?.html).toBe(
      'Safe <i>text</i><a>x</a>',
    );
  });

  it("an MP's page shows party and seat in 2009, the record, a chart and the week's speeches", async () => {
    const { body } = await page(`/people/${MP_SHORT_ID}`);
    expect(body).toContain('<h1>Phil Hope</h1>');
    // Party and seat said once: the week falls within the current seat, so no "at the time" line repeats it.
    expect(body).toMatch(/<p class="lede roles">\s*MP for Corby, Labour\s*<\/p>/);
    expect(body).not.toContain('At the time of these speeches');
    expect(body).toContain('<td data-label="When">5 May 2005 – present</td>');
    expect(body).toContain('Labour/Co-operative');
    expect(body).toMatch(/<svg viewBox="0 0 720 260" role="img"/);
    expect(body.match(/<rect x=/g)?.length).toBe(3);
    expect(body).toContain('45 speeches in the record');
    expect(body).toContain('Sustainability and transformation plans');
    expect(body.match(/<article class="result">/g)?.length).toBe(10);
    expect(body).toContain('href="/search?person=10287"');
    await page('/people/99999999', 404);
    await page('/people/not-an-id', 400);
  });

  it('people search, export form and subscribe form render', async () => {
    const people = await page('/people?q=hope');
    expect(people.body).toContain('href="/people/10287"');
    await page('/people?q=h', 400);
    const exp = await page('/export?tag=privatisation&person=10287');
    expect(exp.body).toContain('action="/api/v1/export" method="get"');
    expect(exp.body).toMatch(/value="privatisation" checked/);
    expect(exp.body).toContain('value="10287"');
    const sub = await page('/subscribe');
    expect(sub.body).toContain('action="/api/v1/subscriptions" method="post"');
    expect(sub.body).toContain('aria-live="polite"');
    expect(sub.body).not.toContain('id="f-person"');
    // A link's id is shown as the person's name; the form carries the name, never the id.
    const named = await page(`/subscribe?person=${MP_SHORT_ID}`);
    expect(named.body).toContain('<label for="f-speaker">Person (optional)</label>');
    expect(named.body).toMatch(/id="f-speaker"[^>]*value="Phil Hope \(Labour, Corby\)"/);
    expect(named.body).not.toContain(MP_SHORT_ID);
    const nobody = await page('/subscribe?person=99999999');
    expect(nobody.body).toContain('the link named a person who is not in the member data');
    await page('/subscribe/manage');
    await page('/api/docs');
  });

  it('serves the assets with revalidation', async () => {
    const css = await app.inject({ method: 'GET', url: '/assets/site.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const again = await app.inject({
      method: 'GET',
      url: '/assets/site.css',
      headers: { 'if-none-match': String(css.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await app.inject({ method: 'GET', url: '/assets/..%2Fpages%2Fplugin.ts' })).statusCode).toBe(404);
  });
});
