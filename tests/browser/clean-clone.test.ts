/**
 * The README from a clean clone, as a new user runs it, with nothing configured: a fresh
 * `git clone` of this repository's HEAD (so it works from CI's own fresh clone), the
 * README's build and ingest on a small local feed, `hansard-watch start`, then in headless
 * Chromium: subscribe on the site's form, confirm from /admin/outbox, publish a new day on
 * the feed, and find the alert in the outbox.
 *
 * node_modules is a symlink to this checkout's (no `npm install`: no network, and the
 * dependencies are the locked ones either way); `npm run build` is what `npm install`'s
 * prepare step runs. The processes get PATH and HOME only, plus PORT (a free one: other
 * servers may hold 3000), FEED_DIR (the local feed: no theyworkforyou.com) and the fastest
 * POLL_CRON allowed; HW_DATA_DIR is the default ./data inside the clone.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  appendFileSync,
} from 'node:fs';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';

const run = promisify(execFile);
const MINI = path.join(projectRoot, 'tests/fixtures/pwdata-mini');
const NEW_DAY = 'debates2030-01-07b.xml';
export const ALERT_SCREENSHOT = '/tmp/outbox-alert.png';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The feed as published before the new day: the mini feed without its second file. */
function writeFeed(dir: string): void {
  cpSync(MINI, dir, { recursive: true });
  rmSync(path.join(dir, 'scrapedxml/debates', NEW_DAY));
  const changedates = path.join(dir, 'scrapedxml/debates/changedates.txt');
  const lines = readFileSync(changedates, 'utf8')
    .split('\n')
    .filter((l) => l && !l.includes(NEW_DAY));
  cpSync(changedates, `${changedates}.full`);
  rmSync(changedates);
  appendFileSync(changedates, lines.map((l) => `${l}\n`).join(''));
}

/** Publishes the new day the way pwdata does: the file, then its line in changedates.txt. */
function publishNewDay(dir: string): void {
  cpSync(path.join(MINI, 'scrapedxml/debates', NEW_DAY), path.join(dir, 'scrapedxml/debates', NEW_DAY));
  const line = readFileSync(path.join(MINI, 'scrapedxml/debates/changedates.txt'), 'utf8')
    .split('\n')
    .find((l) => l.includes(NEW_DAY))!;
  appendFileSync(path.join(dir, 'scrapedxml/debates/changedates.txt'), `${line}\n`);
}

describe.skipIf(!browserAvailable('clean-clone'))('a clean clone with nothing configured', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hw-clone-'));
  const clone = path.join(tmp, 'hansard-watch');
  const feed = path.join(tmp, 'feed');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  let server: ChildProcess | null = null;
  let serverLog = '';
  let base = '';
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await run('git', ['clone', '--quiet', projectRoot, clone], { env });
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(clone, 'node_modules'));
    await run('npm', ['run', 'build'], { cwd: clone, env, maxBuffer: 16 * 1024 * 1024 });
    writeFeed(feed);
  }, 170_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  it('ingests with the README command, then subscribes, confirms and alerts through the outbox', async () => {
    // The README's first command, on the small feed.
    const ingest = await run('node', ['bin/hansard-watch.js', 'ingest', '--source', feed], {
      cwd: clone,
      env,
    });
    expect(ingest.stdout).toMatch(/errors +0/);
    expect(existsSync(path.join(clone, 'data/pglite'))).toBe(true);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn('node', ['bin/hansard-watch.js', 'start'], {
      cwd: clone,
      env: { ...env, PORT: String(port), FEED_DIR: feed, POLL_CRON: '*/30 * * * * *' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (b: Buffer) => (serverLog += b.toString()));
    server.stderr!.on('data', (b: Buffer) => (serverLog += b.toString()));
    await expect
      .poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status, {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(200);
    // One line says where mail goes; the generated secrets are files only this user reads.
    expect(serverLog).toMatch(/alert e-mail goes to outbox .*data\/outbox/);
    const dataDir = path.join(clone, 'data');
    for (const secret of ['alert-secret', 'admin-token'])
      expect(statSync(path.join(dataDir, secret)).mode & 0o777).toBe(0o600);
    expect(serverLog).toMatch(/admin pages: user name anything, password [0-9a-f]{48} \(generated now/);
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({
      httpCredentials: { username: 'me', password: token, origin: base },
    });
    await context.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
    );
    const page = await context.newPage();

    // Subscribe on the site's form.
    await page.goto(`${base}/subscribe`);
    await page.fill('#f-email', 'new.user@example.org');
    await page.fill('#f-q', 'tender');
    await page.check('input[name="frequency"][value="immediate"]');
    await page.click('#subscribe-form button[type="submit"]');
    await expect
      .poll(() => page.locator('#subscribe-messages .success').count(), { timeout: 15_000 })
      .toBe(1);

    // Confirm from the outbox.
    const confirmation = await openNewest(page, base, /confirm/i);
    await expect
      .poll(() => page.locator('.mail-text a[href*="/alerts/confirm?token="]').count())
      .toBeGreaterThan(0);
    await page.locator('.mail-text a[href*="/alerts/confirm?token="]').first().click();
    await page.getByRole('button', { name: 'Confirm and start the alerts' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Alert confirmed');
    expect(confirmation).toMatch(/confirm/i);

    // A new day on the feed; the schedule polls it (a manual poll only saves waiting for the next tick).
    publishNewDay(feed);
    const poll = await fetch(`${base}/admin/api/poll`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(poll.status).toBe(200);
    await openNewest(page, base, /tender/i, 60_000);
    await expect
      .poll(() => page.locator('.mail-text').textContent())
      .toMatch(/publish the \*?tender\*? documents/i);
    await expect.poll(() => page.locator('.mail-html').textContent()).toMatch(/tender/);
    await page.screenshot({ path: ALERT_SCREENSHOT, fullPage: true });
    // Two messages on disk, as .eml files a mail client opens.
    const files = readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);
    expect(readFileSync(path.join(dataDir, 'outbox', files.sort()[1]!), 'utf8')).toMatch(
      /^Content-Type: multipart\/alternative/m,
    );
  }, 150_000);
});

/** Reloads /admin/outbox until its newest subject matches, opens it, returns the subject. */
async function openNewest(page: Page, base: string, subject: RegExp, timeout = 30_000): Promise<string> {
  let text = '';
  await expect
    .poll(
      async () => {
        await page.goto(`${base}/admin/outbox`);
        const first = page.locator('table.outbox tbody tr td a').first();
        text = (await first.count()) > 0 ? ((await first.textContent()) ?? '') : '';
        return subject.test(text);
      },
      { timeout, interval: 1000 },
    )
    .toBe(true);
  await page.locator('table.outbox tbody tr td a').first().click();
  await page.waitForURL(/\/admin\/outbox\/.+\.eml$/);
  return text;
}
