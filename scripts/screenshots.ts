/**
 * Screenshots of the site for review without running it: the shared week is ingested into
 * a throwaway store (a Postgres schema on TEST_DATABASE_URL, or embedded PGlite with
 * --pglite) with the web tests' members and seeded tags, the read-only server (`serve`)
 * listens on 127.0.0.1, and headless Chromium writes a full-page PNG of each page in PAGES
 * at 1280 px and 390 px to docs/screenshots/.
 *
 *   npm run screenshots [-- --pglite] [-- --only day] [-- --serve]
 *
 * --serve keeps the server up (and takes no screenshots) for looking around by hand.
 * A page that answers 404 (one not built on this branch yet) is listed and skipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { FEED_TYPES } from '../src/parliament/index.js';
import { buildServer } from '../src/web/server.js';
import { TAXONOMY_TAGS, webStore } from '../tests/web/api-fixture.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/support/browser.js';

/** Name (the PNG's file name) and path of each page shown. Add a line to add a page. */
export const PAGES: readonly { name: string; path: string }[] = [
  { name: 'home', path: '/' },
  { name: 'search', path: `/search?q=${encodeURIComponent('"Royal Mail"')}` },
  { name: 'tags', path: '/tags' },
  { name: 'tag-outsourcing', path: '/tags/outsourcing' },
  {
    name: 'tag-privatisation-filtered',
    path: '/tags/privatisation?house=house-of-commons&minConfidence=0.6',
  },
  { name: 'search-relevance', path: '/search?q=hospital&order=relevance' },
  { name: 'search-people-matching', path: '/search?q=David+Taylor' },
  { name: 'search-speaker', path: '/search?speaker=David+Taylor' },
  { name: 'search-stop-words', path: '/search?q=the+of+and' },
  { name: 'people', path: '/people?q=hope' },
  { name: 'person', path: '/people/10287' },
  { name: 'person-first-minister', path: '/people/10525' },
  { name: 'person-msp', path: '/people/13986' },
  { name: 'person-peer', path: '/people/13368' },
  { name: 'debate', path: '/debates/uk.org.publicwhip/debate/2009-10-26b.1.4' },
  { name: 'debate-speech-linked', path: '/speeches/uk.org.publicwhip/debate/2009-10-26b.1.8' },
  { name: 'calendar', path: '/days?month=2009-10' },
  { name: 'day-commons', path: '/days/2009-10-27/house-of-commons' },
  { name: 'day-scotland', path: '/days/2009-10-29/scottish-parliament' },
  { name: 'error-not-found', path: '/no/such/page' },
  { name: 'error-person', path: '/people/abc' },
];

const WIDTHS = [1280, 390] as const;
const MAX_HEIGHT = 4000;
const OUT = path.resolve(import.meta.dirname, '..', 'docs', 'screenshots');

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

async function main(args: string[]): Promise<void> {
  const started = Date.now();
  const db = await webStore(args.includes('--pglite') ? 'pglite' : 'postgres');
  console.log(`store ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const app = await buildServer({
    role: 'read',
    db,
    log: pino({ level: 'warn' }),
    adminToken: null,
    types: FEED_TYPES,
    tags: TAXONOMY_TAGS,
    rateLimits: false,
  });
  await app.listen({ port: Number(option(args, '--port') ?? 0), host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  if (args.includes('--serve')) {
    console.log(`serving the shared week at ${base} (Ctrl-C to stop)`);
    const stop = async () => {
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    return;
  }
  try {
    await shoot(base, option(args, '--only'));
  } finally {
    await app.close();
    await db.close();
  }
}

async function shoot(base: string, only: string | undefined): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(OUT, { recursive: true });
  const written: string[] = [];
  try {
    for (const width of WIDTHS) {
      const context = await browser.newContext({
        viewport: { width, height: width > 600 ? 900 : 844 },
        ...(width <= 600 ? { isMobile: true, hasTouch: true } : {}),
      });
      for (const p of PAGES.filter((x) => !only || x.name.includes(only))) {
        const page = await context.newPage();
        const res = await page.goto(`${base}${p.path}`, { waitUntil: 'load' });
        const status = res?.status() ?? 0;
        if (status === 404 && !p.name.startsWith('error')) {
          console.log(`skip ${p.name} (${p.path}): 404 on this branch`);
          await page.close();
          continue;
        }
        const file = path.join(OUT, `${p.name}-${width}.png`);
        // Long pages (a day's written answers) are cut at MAX_HEIGHT: enough to review, small enough to commit.
        const height = Math.min(
          MAX_HEIGHT,
          Number(await page.evaluate('document.documentElement.scrollHeight')),
        );
        const shot = await page.screenshot({
          fullPage: true,
          clip: { x: 0, y: 0, width, height },
          timeout: 120_000,
        });
        writeFileSync(file, shot);
        console.log(`${p.name} at ${width} px: ${status}`);
        written.push(path.relative(process.cwd(), file));
        await page.close();
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`wrote ${written.length} screenshots:\n  ${written.join('\n  ')}`);
}

await main(process.argv.slice(2));
