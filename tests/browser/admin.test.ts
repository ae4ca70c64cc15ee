/**
 * /admin in a real browser (Debian's headless Chromium via playwright-core): Bull Board
 * works under its CSP, another site cannot frame it, and another site's auto-submitted
 * text/plain form cannot make a browser holding the admin's Basic credentials queue a
 * poll, while Bull Board's own page can still change things.
 *
 * The "other site" is a page served from 127.0.0.2, a different host (so a different
 * site) on the loopback interface. Every request that is not to these two hosts is aborted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, fullServer, type FullServer } from '../web/full-server.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';

export const BULL_BOARD_SCREENSHOT = '/tmp/bull-board.png';

/** The hostile site: pages that frame the dashboard and post to the admin API. */
function hostilePages(admin: string): Record<string, string> {
  return {
    '/frame.html': `<!doctype html><title>frame</title><iframe name="board" src="${admin}/admin/queues"></iframe>`,
    // The classic JSON-shaped text/plain CSRF body: name '{"a":"' and value '"}' make {"a":"="}.
    '/csrf.html': `<!doctype html><title>csrf</title>
      <form method="post" enctype="text/plain" action="${admin}/admin/api/poll">
        <input type="hidden" name='{"a":"' value='"}' />
      </form>
      <script>document.forms[0].submit()</script>`,
  };
}

async function serveHostile(
  pages: () => Record<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = pages()[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'nope');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.2:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!browserAvailable('/admin'))('/admin in headless Chromium', () => {
  let server: FullServer;
  let hostile: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let admin: string;
  const consoleErrors: string[] = [];

  const pollsQueued = async () => {
    const c = (await server.pipeline.deps.queue.counts()).poll;
    return c.waiting + c.active + c.delayed + c.completed + c.failed;
  };

  beforeAll(async () => {
    server = await fullServer('bullmq');
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    admin = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    hostile = await serveHostile(() => hostilePages(admin));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // The admin's browser has the dashboard's Basic credentials for its origin.
    context = await browser.newContext({
      httpCredentials: { username: 'admin', password: ADMIN_TOKEN, origin: admin },
      viewport: { width: 1200, height: 800 },
    });
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      return hostname === '127.0.0.1' || hostname === '127.0.0.2' ? route.continue() : route.abort();
    });
    context.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hostile?.close();
    await server?.close();
  });

  it('shows Bull Board under its CSP, with nothing refused but the third-party font sheet', async () => {
    consoleErrors.length = 0;
    const page = await context.newPage();
    const res = await page.goto(`${admin}/admin/queues`);
    expect(res?.status()).toBe(200);
    for (const queue of ['poll', 'fetch', 'ingest'])
      await expect.poll(() => page.getByText(queue, { exact: true }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: BULL_BOARD_SCREENSHOT });
    // Bull Board links Google Fonts; the CSP keeps the admin's browser from calling Google.
    const refused = consoleErrors.filter((e) => /Content Security Policy/i.test(e));
    expect(refused.filter((e) => !e.includes('fonts.googleapis.com'))).toEqual([]);
    await page.close();
  });

  it('cannot be framed by another site', async () => {
    consoleErrors.length = 0;
    const page = await context.newPage();
    await page.goto(`${hostile.url}/frame.html`);
    await expect.poll(() => consoleErrors.some((e) => e.includes("frame-ancestors 'none'"))).toBe(true);
    const frame = page.frame({ name: 'board' });
    const framed = frame
      ? await frame
          .locator('#root')
          .count()
          .catch(() => 0)
      : 0;
    expect(framed).toBe(0);
    await page.close();
  });

  it("refuses another site's text/plain form post, and takes Bull Board's own page's JSON post", async () => {
    const before = await pollsQueued();
    const page = await context.newPage();
    const refused = page.waitForResponse((r) => r.url() === `${admin}/admin/api/poll`);
    await page.goto(`${hostile.url}/csrf.html`);
    const res = await refused;
    expect(res.status()).toBe(403);
    expect(res.request().headers()['content-type']).toMatch(/text\/plain/);
    expect(await pollsQueued()).toBe(before);

    // The same browser on the dashboard's own origin: same-origin, JSON, accepted.
    await page.goto(`${admin}/admin/queues`);
    const status = await page.evaluate(async () => {
      const r = await fetch('/admin/api/poll', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return r.status;
    });
    expect(status).toBe(200);
    expect(await pollsQueued()).toBe(before + 1);
    await page.close();
  });
});
