/**
 * Issue #18's web findings, each as a request that used to fail: NUL and control
 * characters in parameters and year-0 dates (500s from Postgres), a cross-site text/plain
 * POST riding stored Basic credentials into /admin/api/poll, and routes outside the site
 * (health, /admin, Bull Board, 404s) without CSP, nosniff or frame protection.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULL_BOARD_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY } from '../../src/web/api/security.js';
import { ADMIN_TOKEN, basic, fullServer, type FullServer } from './full-server.js';

const NO_LEAK = /FST_ERR|node_modules|^\s*at .+:\d+:\d+/m;

function expectJson400(res: LightMyRequestResponse, field: RegExp): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: string; message: string; issues?: { field: string }[] }>();
  expect(body.error).toBe('Bad Request');
  expect(body.issues?.map((i) => i.field).join(' ')).toMatch(field);
  expect(res.body).not.toMatch(NO_LEAK);
}

function expectHtml400(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).toContain('<!doctype html>');
  expect(res.body).not.toMatch(NO_LEAK);
}

function expectSecurityHeaders(res: LightMyRequestResponse, what: string): void {
  expect(res.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['referrer-policy'], what).toBe('same-origin');
}

describe('bad parameters get a clean 400 on every kind of route', () => {
  let server: FullServer;
  let app: FastifyInstance;
  let client = 0;
  // Each from its own address: the export rate limit is a few per minute per client.
  const get = (url: string) => app.inject({ method: 'GET', url, remoteAddress: `127.0.1.${++client % 250}` });

  beforeAll(async () => {
    server = await fullServer('memory');
    app = server.app;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses NUL and control characters in q and party on the API', async () => {
    expectJson400(await get('/api/v1/search?q=nhs%00trust'), /q/);
    expectJson400(await get('/api/v1/search?party=Lab%00our'), /party/);
    expectJson400(await get('/api/v1/search?q=%1B%5B31m'), /q/);
    expectJson400(await get('/api/v1/people?q=sm%00ith'), /q/);
    expectJson400(await get('/api/v1/tags/timeline?q=%00'), /q/);
    expectJson400(await get('/api/v1/export?format=csv&party=%00'), /party/);
    // Tab, line feed and carriage return are whitespace, not refused.
    expect((await get('/api/v1/search?q=nhs%09trust')).statusCode).toBe(200);
  });

  it('answers pages with an HTML 400 page', async () => {
    expectHtml400(await get('/search?q=nhs%00trust'));
    expectHtml400(await get('/search?party=%00'));
    expectHtml400(await get('/people?q=%00%00'));
    expectHtml400(await get('/people/90001?from=0000-01-01'));
    expectHtml400(await get('/search?from=2009-02-30'));
    expectHtml400(await get('/alerts/manage?token=%00'));
  });

  it('refuses year 0, impossible and out-of-range dates, and takes the ends of the range', async () => {
    for (const date of ['0000-01-01', '2009-02-30', '2009-13-01', '10000-01-01', '-0001-01-01', '2009-1-1']) {
      expectJson400(await get(`/api/v1/search?from=${date}`), /from/);
      expectJson400(await get(`/api/v1/people/90001?to=${date}`), /to/);
      expectJson400(await get(`/api/v1/tags/timeline?from=${date}`), /from/);
      expectJson400(await get(`/api/v1/export?format=csv&to=${date}`), /to/);
    }
    const res = await get('/api/v1/search?from=0001-01-01&to=9999-12-31');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ results: unknown[] }>().results.length).toBeGreaterThan(0);
    const leap = await get('/api/v1/search?from=2008-02-29');
    expect(leap.statusCode).toBe(200);
  });

  it('checks path parameters and bodies of routes that have no schema for them', async () => {
    expectJson400(await get('/alerts/feed/abc%01def'), /path\.token/);
    const batch = await app.inject({
      url: '/admin/api/backfill/b%00',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expectJson400(batch, /path\.batch/);
    const alert = await app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: '{"email":"a@example.org","q":"nhs\\u0000"}',
      headers: { 'content-type': 'application/json' },
    });
    expectJson400(alert, /body\.q/);
    const surrogate = await app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: '{"email":"a@example.org","q":"\\ud800"}',
      headers: { 'content-type': 'application/json' },
    });
    expectJson400(surrogate, /body\.q/);
    expect(surrogate.json<{ issues: { message: string }[] }>().issues[0]?.message).toBe(
      'must be valid Unicode text',
    );
  });

  it('refuses query strings that do not percent-decode, and URLs that do not', async () => {
    expectJson400(await get('/api/v1/search?q=%FF'), /query/);
    expectHtml400(await get('/search?q=%E2%82'));
    const url = await get('/api/v1/%zz');
    expect(url.statusCode).toBe(400);
    expect(url.json()).toEqual({ error: 'Bad Request', message: 'The address is not a valid URL.' });
    expectSecurityHeaders(url, 'bad URL');
  });

  it('answers unknown paths with 404s that name no internals', async () => {
    const api = await get('/api/v1/nothing');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/json/);
    const page = await get('/nothing/here');
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/html/);
    expect(page.body).toContain('Page not found');
    const admin = await app.inject({
      method: 'GET',
      url: '/admin/nothing',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.statusCode).toBe(404);
    expect(admin.json<{ error: string }>().error).toBe('Not Found');
    for (const res of [api, page, admin]) expect(res.body).not.toMatch(NO_LEAK);
  });

  it('keeps bodies the server cannot parse at 4xx without Fastify codes', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/admin/api/backfill',
      payload: '{"from":',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(NO_LEAK);
    const year0 = await app.inject({
      method: 'POST',
      url: '/admin/api/backfill',
      payload: { from: '0000-01-01' },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expectJson400(year0, /from/);
  });
});

describe('admin requests from other sites', () => {
  let server: FullServer;
  let app: FastifyInstance;
  const auth = basic('admin', ADMIN_TOKEN);
  const pollsQueued = async () => {
    const c = (await server.pipeline.deps.queue.counts()).poll;
    return c.waiting + c.active + c.delayed + c.completed + c.failed;
  };

  beforeAll(async () => {
    server = await fullServer('memory');
    app = server.app;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a cross-site text/plain POST with stored Basic credentials, triggering nothing', async () => {
    const before = await pollsQueued();
    // What a hostile page's auto-submitted <form enctype="text/plain"> makes a browser send.
    const res = await app.inject({
      method: 'POST',
      url: '/admin/api/poll',
      payload: '{"x":"=y"}',
      headers: {
        authorization: auth,
        'content-type': 'text/plain',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toMatch(/another site/);
    expectSecurityHeaders(res, '403');
    // Older browsers without Sec-Fetch-Site: the Origin is checked, and text/plain refused anyway.
    const oldBrowser = await app.inject({
      method: 'POST',
      url: '/admin/api/poll',
      payload: 'x',
      headers: { authorization: auth, 'content-type': 'text/plain', origin: 'https://evil.example' },
    });
    expect(oldBrowser.statusCode).toBe(403);
    const noOrigin = await app.inject({
      method: 'POST',
      url: '/admin/api/poll',
      payload: 'x',
      headers: { authorization: auth, 'content-type': 'text/plain' },
    });
    expect(noOrigin.statusCode).toBe(415);
    // A bodiless no-cors fetch, and a same-site (sibling subdomain) one.
    for (const site of ['cross-site', 'same-site'])
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/admin/api/poll',
            headers: { authorization: auth, 'sec-fetch-site': site },
          })
        ).statusCode,
      ).toBe(403);
    expect(await pollsQueued()).toBe(before);
  });

  it('accepts a same-origin JSON POST, and the CLI (Bearer, JSON, no Origin)', async () => {
    const before = await pollsQueued();
    const res = await app.inject({
      method: 'POST',
      url: '/admin/api/poll',
      payload: {},
      headers: {
        authorization: auth,
        host: 'hw.example.org',
        origin: 'https://hw.example.org',
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ jobId: string }>().jobId).toMatch(/poll/);
    const cli = await app.inject({
      method: 'POST',
      url: '/admin/api/jobs/retry',
      payload: {},
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(cli.json()).toEqual({ retried: 0 });
    // An old browser on the same origin: Origin matches Host.
    const sameOrigin = await app.inject({
      method: 'POST',
      url: '/admin/api/poll',
      payload: {},
      headers: { authorization: auth, host: 'hw.example.org:8080', origin: 'http://hw.example.org:8080' },
    });
    expect(sameOrigin.statusCode).toBe(200);
    expect(await pollsQueued()).toBeGreaterThan(before);
  });

  it('leaves reading alone: GETs need only the token', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/admin/api/status',
      headers: { authorization: auth, 'sec-fetch-site': 'cross-site' },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('security headers on every route, Bull Board included', () => {
  let server: FullServer;
  let app: FastifyInstance;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    server = await fullServer('bullmq');
    app = server.app;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends CSP, nosniff, frame protection and Referrer-Policy on health, admin, 404s and errors', async () => {
    const requests: [string, { url: string; headers?: Record<string, string> }][] = [
      ['healthz', { url: '/healthz' }],
      ['readyz', { url: '/readyz' }],
      ['admin 401', { url: '/admin/queues' }],
      ['admin API', { url: '/admin/api/status', headers: admin }],
      ['Bull Board', { url: '/admin/queues', headers: admin }],
      ['Bull Board API', { url: '/admin/queues/api/queues', headers: admin }],
      ['Bull Board 404', { url: '/admin/queues/static/nothing.js', headers: admin }],
      ['404', { url: '/no/such/page' }],
      ['API 404', { url: '/api/v1/nothing' }],
      ['API 400', { url: '/api/v1/search?limit=0' }],
      ['page 400', { url: '/search?from=0000-01-01' }],
      ['page', { url: '/' }],
      ['alert page', { url: '/alerts/manage' }],
    ];
    for (const [what, req] of requests) {
      const res = await app.inject({ method: 'GET', ...req });
      expect(res.statusCode, what).toBeLessThan(500);
      expectSecurityHeaders(res, what);
    }
  });

  it('gives Bull Board the CSP its UI needs (inline styles, its <base>) and the site its strict one', async () => {
    const board = await app.inject({ url: '/admin/queues', headers: admin });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-security-policy']).toBe(BULL_BOARD_CONTENT_SECURITY_POLICY);
    expect(BULL_BOARD_CONTENT_SECURITY_POLICY).toContain("style-src 'self' 'unsafe-inline'");
    expect(BULL_BOARD_CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(BULL_BOARD_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect((await app.inject({ url: '/search' })).headers['content-security-policy']).toBe(
      CONTENT_SECURITY_POLICY,
    );
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(
      (await app.inject({ url: '/admin/api/status', headers: admin })).headers['content-security-policy'],
    ).toBe(CONTENT_SECURITY_POLICY);
  });

  it('keeps the public API readable from other sites while the rest stays same-origin', async () => {
    const api = await app.inject({ url: '/api/v1/tags' });
    expect(api.headers['access-control-allow-origin']).toBe('*');
    expect(api.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expectSecurityHeaders(api, 'API');
    const page = await app.inject({ url: '/' });
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(page.headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()');
  });

  it("refuses Bull Board's buttons from another site and lets its own page use them", async () => {
    const put = (site: string) =>
      app.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/poll/pause',
        headers: { ...admin, 'sec-fetch-site': site },
      });
    expect((await put('cross-site')).statusCode).toBe(403);
    expect(await server.pipeline.deps.queue.counts()).toBeDefined();
    const paused = async () => {
      const api = await app.inject({ url: '/admin/queues/api/queues', headers: admin });
      return api
        .json<{ queues: { name: string; isPaused: boolean }[] }>()
        .queues.find((q) => q.name === 'poll')?.isPaused;
    };
    expect(await paused()).toBe(false);
    expect((await put('same-origin')).statusCode).toBe(200);
    expect(await paused()).toBe(true);
  });

  it("answers Bull Board's refused state changes with 409, not 500", async () => {
    await server.pipeline.pollNow('manual');
    const jobs = await app.inject({
      url: '/admin/queues/api/queues?activeQueue=poll&status=waiting',
      headers: admin,
    });
    const job = jobs
      .json<{ queues: { name: string; jobs: { id: string }[] }[] }>()
      .queues.find((q) => q.name === 'poll')?.jobs[0];
    expect(job).toBeDefined();
    const res = await app.inject({
      method: 'PUT',
      url: `/admin/queues/api/queues/poll/${encodeURIComponent(job!.id)}/promote`,
      headers: admin,
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json<{ message: string }>().message).toMatch(/not in the delayed state/);
  });
});
