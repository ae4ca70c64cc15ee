/**
 * The OpenAPI document is generated from the routes (issue #17): every route the whole
 * server registers (collected by Fastify's onRoute hook, as the fuzz test does) is in it,
 * alert routes included, each with a summary; and what a route documents as its query is
 * what its zod schema accepts.
 */
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullServer, type FullServer } from './full-server.js';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; schema?: Record<string, unknown>; example?: unknown }[];
  requestBody?: { content: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, { schema?: { examples?: unknown[] } }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

/** `/people/:id` → `/people/{id}`; a trailing wildcard (gids hold slashes) is `{gid}`; no trailing slash. */
function openApiPath(url: string): string {
  return url
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    .replace(/\/\*$/, '/{gid}')
    .replace(/(.)\/$/, '$1');
}

/**
 * Routes that are not an interface anyone calls, left out of the document on purpose:
 * - HEAD: Fastify adds one beside every GET (the GET is documented);
 * - /assets/: the site's static files (CSS, JS, icons);
 * - /admin/queues/…: Bull Board's bundled UI and its private API (the page /admin/queues is in);
 * - /api/docs/ui/…: Swagger UI's own files and copies of this document (the page /api/docs/ui is in).
 */
function leftOut(method: string, url: string): boolean {
  return (
    method === 'HEAD' ||
    url.startsWith('/assets/') ||
    (url.startsWith('/admin/queues/') && url !== '/admin/queues/') ||
    (url.startsWith('/api/docs/ui/') && url !== '/api/docs/ui/')
  );
}

describe('the generated OpenAPI document', () => {
  let server: FullServer;
  let doc: Document;

  beforeAll(async () => {
    server = await fullServer('memory');
    const res = await server.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<Document>();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('has every route the server registers, alert routes included, each with a summary', () => {
    const expected = server.routes.filter((r) => !leftOut(r.method, r.url));
    // The collection itself is whole: the API, alerts, pages, health and admin are all in it.
    const urls = new Set(expected.map((r) => `${r.method} ${r.url}`));
    for (const must of [
      'GET /api/v1/search',
      'POST /api/v1/subscriptions',
      'POST /api/v1/alerts',
      'DELETE /api/v1/alerts/:id',
      'GET /alerts/feed/:token',
      'POST /alerts/unsubscribe',
      'GET /healthz',
      'GET /admin/api/status',
      'GET /',
    ])
      expect(urls, must).toContain(must);
    const missing: string[] = [];
    const unsummarised: string[] = [];
    for (const { method, url } of expected) {
      const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      if (!op) missing.push(`${method} ${url}`);
      else if (!op.summary && !url.startsWith('/admin/')) unsummarised.push(`${method} ${url}`);
    }
    expect(missing).toEqual([]);
    expect(unsummarised).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents queries from the zod schemas, with examples', () => {
    const search = doc.paths['/api/v1/search']!.get!;
    const names = search.parameters!.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['q', 'tag', 'person', 'house', 'from', 'to', 'cursor', 'limit']),
    );
    const q = search.parameters!.find((p) => p.name === 'q')!;
    // The shape is zod's (maxLength 500 is searchQuery's); the example is the document's own.
    expect(q.schema).toMatchObject({ type: 'string', maxLength: 500 });
    expect(q.example).toBe('"Royal Mail" -strike');
    const example = search.responses!['200']!.content!['application/json']!.schema!.examples;
    expect(example).toHaveLength(1);
    const alerts = doc.paths['/api/v1/alerts']!.post!;
    expect(Object.keys(alerts.requestBody!.content)).toContain('application/json');
    expect(Object.keys(alerts.responses!)).toEqual(
      expect.arrayContaining(['201', '202', '400', '401', '429']),
    );
  });

  it('serves the interactive docs from this origin under the site CSP but for inline styles', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/api/docs/ui/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    const json = await server.app.inject({ method: 'GET', url: '/api/docs/ui/json' });
    expect(json.json<Document>().paths).toEqual(doc.paths);
  });

  it('runs a request from Swagger UI in Chromium, with nothing refused by the CSP', async () => {
    const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`${address}/api/docs/ui`);
      const op = page.locator('.opblock').filter({ hasText: 'Tags with speech counts' }).first();
      await op.locator('.opblock-summary').first().click();
      await op.locator('.execute').click();
      const status = op.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor({ timeout: 20_000 });
      expect((await status.textContent())?.trim()).toBe('200');
      expect(await page.locator('.opblock').count()).toBeGreaterThan(40);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
