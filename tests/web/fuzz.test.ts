/**
 * Fuzzing every route the server registers (collected by Fastify's onRoute hook, so the
 * alert routes and Bull Board's are in even where the OpenAPI document leaves them out,
 * and every page) with hostile parameters: NUL and control characters, 100 KB values,
 * year 0 and impossible dates, odd Unicode and lone surrogates, SQL and HTML payloads,
 * wrong types, bad percent-encoding, in the query, the path and the body, with and
 * without admin credentials and from other sites.
 *
 * The whole server (buildServer, alerts on, Bull Board on a real Redis) over a real
 * Postgres holding the pwdata-mini fixture. A fixed seed makes every run send the same
 * requests; a failure lists each request so it can be replayed.
 *
 * Every answer must be: not a 5xx; free of stack traces, Fastify error codes and paths
 * into node_modules; with the security headers; a JSON error on machine paths and an HTML
 * page on pages; and never the HTML payload unescaped.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, basic, fullServer, type FullServer, type RegisteredRoute } from './full-server.js';

const SEED = 0x5eed_2009;
const RANDOM_PER_ROUTE = 6;
const XSS = '<script>alert(1)</script>';
const XSS_ATTR = '"><img src=x onerror=alert(1)>';

/** mulberry32: small, seedable, good enough to pick test cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'nhs\u0000trust',
  '\u0001\u0002\u001b[31m\u001f',
  '\u007f',
  '\u0085\u009f',
  '\t\r\n',
  'x'.repeat(100_000),
  '€'.repeat(34_000),
  '0000-01-01',
  '0000-00-00',
  '-0001-01-01',
  '10000-01-01',
  '0001-01-01',
  '9999-12-31',
  '2009-02-30',
  '2009-13-01',
  '2009-10-26T00:00:00Z',
  '\ud800',
  '\udc00x',
  '😀 NHS 🏥',
  'Ω̈́ İ ﬀ \u202e\ufeff',
  "' OR 1=1 --",
  "'; DROP TABLE speeches; --",
  '\\',
  '"unterminated',
  '!!! (&|) :* <->',
  XSS,
  XSS_ATTR,
  'javascript:alert(1)',
  '../../../../etc/passwd',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1.5',
  '9007199254740993',
  '1e309',
  '0x10',
  'true',
  'null',
  '[]',
  '{}',
  '__proto__',
  'constructor',
];

/** The values every parameter of every route gets, one at a time. */
const CRITICAL: readonly string[] = [
  'nhs\u0000trust',
  '\u0001\u001b[31m',
  '0000-01-01',
  '2009-02-30',
  '\ud800',
  'x'.repeat(100_000),
  "'; DROP TABLE speeches; --",
  XSS_ATTR,
];

/** Already percent-encoded: bytes that do not decode, or decode to something hostile. */
const RAW_ENCODED: readonly string[] = [
  '%00',
  '%ED%A0%80',
  '%FF%FE',
  '%C0%80',
  '%',
  '%zz',
  '%E2%82',
  '%2e%2e%2f',
];

/** Plausible values, so that requests also get past validation into the handlers. */
const GOOD: Record<string, readonly string[]> = {
  q: ['nhs', '"primary care"', 'trust OR hospital', '-health'],
  tag: ['privatisation', 'outsourcing,stp'],
  minConfidence: ['0', '0.5', '1'],
  tagged: ['true', '1', 'on'],
  person: ['90001', 'uk.org.publicwhip/person/90002'],
  party: ['Labour'],
  house: ['house-of-commons', 'house-of-lords'],
  type: ['debates', 'wrans'],
  from: ['2030-01-01', '2009-10-26'],
  to: ['2030-12-31'],
  limit: ['1', '100'],
  cursor: ['abc'],
  format: ['csv', 'jsonl', 'parquet'],
  per: ['paragraph', 'speech'],
  excel: ['true'],
  interval: ['day', 'week', 'month', 'year'],
  token: ['abc'],
  notice: ['Done.'],
  email: ['fuzz@example.org'],
  action: ['pause', 'resume', 'delete', 'feed'],
  id: ['1', '90001', 'uk.org.publicwhip/person/90002', '00000000-0000-0000-0000-000000000000'],
  channel: ['email', 'webhook', 'feed'],
  url: ['https://hooks.example.org/x'],
  frequency: ['immediate', 'daily', 'weekly'],
  types: ['debates'],
  force: ['true'],
  queueName: ['poll', 'fetch', 'ingest'],
  queueStatus: ['failed', 'completed', 'waiting'],
  jobId: ['1'],
  name: ['site.css', 'app.js'],
  batch: ['b1'],
  '*': ['uk.org.publicwhip/debate/2030-01-07a.10.0', 'uk.org.publicwhip/debate/2030-01-07b.10.1'],
};
const good = (name: string): readonly string[] | undefined =>
  Object.hasOwn(GOOD, name) ? GOOD[name] : undefined;
const NAMES = [...Object.keys(GOOD).filter((k) => k !== '*'), '__proto__', 'constructor', 'q[]', 'a[b]'];

const FILTERS = ['q', 'tag', 'minConfidence', 'tagged', 'person', 'party', 'house', 'type', 'from', 'to'];
/**
 * The parameters each route takes (query for GET, body otherwise), so that most requests
 * get past "unknown parameter" into the handler and its SQL; unknown ones are still sent
 * now and then. First match wins; routes not listed draw from every name.
 */
const ROUTE_NAMES: [RegExp, readonly string[]][] = [
  [/^\/(api\/v1\/)?(search|people\/:id\/speeches)$/, [...FILTERS, 'cursor', 'limit']],
  [/^\/(api\/v1\/)?export$/, [...FILTERS, 'format', 'per', 'excel']],
  [/^\/api\/v1\/tags\/timeline$/, [...FILTERS, 'interval']],
  [/^\/(api\/v1\/)?people$/, ['q', 'limit']],
  [/^\/(api\/v1\/)?people\/:id$/, ['from', 'to', 'minConfidence']],
  [/^\/(api\/v1\/)?(tags|speeches\/\*|debates\/\*)$/, ['minConfidence']],
  [/^\/(api\/v1\/subscriptions|subscribe)$/, ['email', 'q', 'tag', 'person', 'minConfidence', 'frequency']],
  [
    /^\/api\/v1\/alerts/,
    ['channel', 'email', 'url', 'q', 'tag', 'person', 'house', 'type', 'minConfidence', 'frequency'],
  ],
  [/^\/alerts\//, ['token', 'notice', 'email', 'action', 'id']],
  [/^\/admin\/api\/backfill$/, ['from', 'to', 'types', 'force']],
  [/^\/admin\/api\/jobs\/retry$/, ['id']],
];

function pathParams(route: RegisteredRoute): string[] {
  return route.url
    .split('/')
    .filter((seg) => seg === '*' || seg.startsWith(':'))
    .map((seg) => (seg === '*' ? '*' : seg.slice(1)));
}

function namesOf(route: RegisteredRoute): readonly string[] {
  return ROUTE_NAMES.find(([re]) => re.test(route.url))?.[1] ?? NAMES;
}

/** Paths no route has, for the 404 answers. */
const UNKNOWN_PATHS: RegisteredRoute[] = [
  { method: 'GET', url: '/no/such/page' },
  { method: 'GET', url: '/api/v1/no-such-endpoint' },
  { method: 'POST', url: '/admin/no-such' },
  { method: 'GET', url: '/alerts/no-such' },
];

const LEAKS: readonly [string, RegExp][] = [
  ['stack trace', /^\s*at .+[:(]\d+:\d+\)?$/m],
  ['stack trace', /\bat (?:async )?[\w$.<>]+ \((?:file:|node:|\/)/],
  ['Fastify error code', /FST_ERR/],
  ['Node error code', /\bERR_[A-Z_]{4,}/],
  ['node_modules path', /node_modules/],
  [
    'Postgres error',
    /syntax error at or near|invalid input syntax|invalid byte sequence|violates .* constraint|SQLSTATE/i,
  ],
  ['zod internals', /ZodError|"code":\s*"(?:invalid_type|too_big|custom|invalid_format)"/],
];

/** Percent-encodes a string's UTF-8 bytes (a lone surrogate becomes U+FFFD, as it would in a browser). */
function enc(s: string): string {
  return encodeURIComponent(
    s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

class Case {
  readonly query: [string, string][] = [];
  readonly params = new Map<string, string>();
  body: { type: string | null; payload: string } | null = null;
  headers: Record<string, string> = {};
  constructor(
    readonly route: RegisteredRoute,
    readonly ip: string,
  ) {}

  path(): string {
    return this.route.url
      .split('/')
      .map((seg) => {
        if (seg === '*') return this.params.get('*') ?? '';
        if (!seg.startsWith(':')) return seg;
        return this.params.get(seg.slice(1)) ?? 'x';
      })
      .join('/');
  }

  url(): string {
    const qs = this.query.map(([k, v]) => `${k}=${v}`).join('&');
    return qs ? `${this.path()}?${qs}` : this.path();
  }

  inject(): InjectOptions {
    const headers: Record<string, string> = { ...this.headers };
    if (this.body?.type) headers['content-type'] = this.body.type;
    return {
      method: this.route.method as InjectOptions['method'],
      url: this.url(),
      headers,
      remoteAddress: this.ip,
      ...(this.body ? { payload: this.body.payload } : {}),
    };
  }

  describe(): string {
    const url = this.url();
    const shortUrl = url.length > 160 ? `${url.slice(0, 160)}…(${url.length})` : url;
    const body = this.body ? ` body(${this.body.type}): ${this.body.payload.slice(0, 120)}` : '';
    return `${this.route.method} ${shortUrl}${body} headers=${JSON.stringify(this.headers).slice(0, 160)}`;
  }
}

class Generator {
  private readonly next: () => number;
  private ips = 0;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Each request from its own loopback address, so the per-client rate limits stay out of the way. */
  ip(): string {
    const n = ++this.ips;
    return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  /** An encoded value for `name`: plausible, hostile, or raw bad bytes. */
  value(name: string, goodShare = 0.35): string {
    const r = this.next();
    const plausible = good(name);
    if (r < goodShare && plausible) return enc(this.pick(plausible));
    if (r < Math.max(goodShare, 0.9)) return enc(this.pick(HOSTILE));
    return this.pick(RAW_ENCODED);
  }

  jsonValue(name: string): unknown {
    const r = this.next();
    const plausible = good(name);
    if (r < 0.35 && plausible) return this.pick(plausible);
    if (r < 0.75) return this.pick(HOSTILE);
    return this.pick<unknown>([
      null,
      0,
      -1,
      1e308,
      true,
      [],
      {},
      [this.pick(HOSTILE)],
      { nested: this.pick(HOSTILE) },
      Array.from({ length: 40 }, () => 'a'),
      JSON.parse('{"__proto__": {"polluted": true}}'),
      deep(40),
    ]);
  }

  params(c: Case, goodShare: number): void {
    for (const seg of c.route.url.split('/')) {
      if (seg === '*') c.params.set('*', this.value('*', goodShare));
      else if (seg.startsWith(':')) c.params.set(seg.slice(1), this.value(seg.slice(1), goodShare));
    }
  }

  /** A parameter name: mostly one the route takes. */
  name(c: Case): string {
    return this.chance(0.9) ? this.pick(namesOf(c.route)) : this.pick(NAMES);
  }

  query(c: Case, n: number, goodShare: number): void {
    for (let i = 0; i < n; i++) {
      const name = this.name(c);
      c.query.push([this.chance(0.05) ? this.pick(RAW_ENCODED) : enc(name), this.value(name, goodShare)]);
      if (this.chance(0.1)) c.query.push([enc(name), this.value(name, goodShare)]);
    }
  }

  body(c: Case): void {
    const object = Object.fromEntries(
      Array.from({ length: 1 + this.int(4) }, () => {
        const name = this.name(c);
        return [name, this.jsonValue(name)];
      }),
    );
    const kind = this.int(8);
    if (kind <= 2) c.body = { type: 'application/json', payload: JSON.stringify(object) };
    else if (kind === 3)
      c.body = {
        type: 'application/json',
        payload: this.pick(['', '{', '[1,', '"\\ud800"', 'null', '1', '"x"']),
      };
    else if (kind === 4)
      c.body = {
        type: 'application/x-www-form-urlencoded',
        payload: Object.keys(object)
          .map((k) => `${enc(k)}=${this.value(k)}`)
          .join('&'),
      };
    else if (kind === 5) c.body = { type: 'text/plain', payload: JSON.stringify(object) };
    else if (kind === 6)
      c.body = {
        type: this.pick([
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json; charset=latin1',
        ]),
        payload: '--x\r\n\u0000',
      };
    else c.body = { type: null, payload: '' };
  }

  headers(c: Case): void {
    const h: Record<string, string> = {};
    const admin = c.route.url.startsWith('/admin');
    const auth = this.next();
    if (admin ? auth < 0.75 : auth < 0.1)
      h.authorization = this.chance(0.5) ? `Bearer ${ADMIN_TOKEN}` : basic('admin', ADMIN_TOKEN);
    else if (auth < 0.85)
      h.authorization = this.pick([
        'Bearer hwk_not-a-key',
        'Basic !!!',
        `Bearer ${'x'.repeat(5000)}`,
        'Digest x',
      ]);
    const site = this.int(4);
    if (site === 1) h['sec-fetch-site'] = 'same-origin';
    if (site === 2) Object.assign(h, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    if (site === 3) h.origin = 'null';
    if (this.chance(0.3)) h.accept = 'text/html';
    c.headers = h;
  }

  /** One request to `route`; `hostile`, when given, is put into one place of it. */
  make(route: RegisteredRoute, hostile?: string): Case {
    const c = new Case(route, this.ip());
    // With a hostile value to place, the rest is mostly plausible so the request gets far.
    const goodShare = hostile === undefined ? 0.35 : 0.85;
    this.params(c, goodShare);
    this.query(c, this.int(4), goodShare);
    if (!['GET', 'HEAD'].includes(route.method) || this.chance(0.05)) this.body(c);
    this.headers(c);
    if (hostile !== undefined) this.place(c, hostile);
    return c;
  }

  /**
   * One hostile value in one named place (a parameter the route takes, or a path
   * parameter), everything else plausible and admin requests authorised: the requests
   * most likely to reach the handler and its SQL with the value intact.
   */
  targeted(route: RegisteredRoute, name: string, hostile: string): Case {
    const c = new Case(route, this.ip());
    this.params(c, 1);
    if (c.params.has(name)) c.params.set(name, enc(hostile));
    const others = Array.from({ length: this.int(3) }, () => this.pick(namesOf(route))).filter(
      (n) => n !== name,
    );
    const fields = new Map(others.map((n) => [n, this.pick(good(n) ?? [''])]));
    if (['GET', 'HEAD'].includes(route.method)) {
      for (const [n, v] of fields) c.query.push([enc(n), enc(v)]);
      if (!c.params.has(name)) c.query.push([enc(name), enc(hostile)]);
    } else {
      const body: Record<string, unknown> = Object.fromEntries(fields);
      if (!c.params.has(name)) body[name] = hostile;
      c.body = { type: 'application/json', payload: JSON.stringify(body) };
    }
    if (route.url.startsWith('/admin')) c.headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    return c;
  }

  private place(c: Case, hostile: string): void {
    const slots = [...c.params.keys()];
    const where = this.int(3);
    if (where === 0 && slots.length > 0) c.params.set(this.pick(slots), enc(hostile));
    else if (where === 1 && c.body?.type === 'application/json')
      c.body.payload = JSON.stringify({
        ...objectOf(c.body.payload),
        [this.pick(namesOf(c.route))]: hostile,
      });
    else c.query.push([enc(this.pick(namesOf(c.route))), enc(hostile)]);
  }
}

function objectOf(json: string): object {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function deep(n: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { a: [v] };
  return v;
}

/** Paths whose clients are programs; the rest are pages (or files). */
function isMachinePath(path: string): boolean {
  return /^\/(?:api\/v1\/|api\/docs\/openapi\.json|admin(?:\/|$)|healthz|readyz|alerts\/feed\/)/.test(path);
}

function problemsOf(c: Case, res: LightMyRequestResponse): string[] {
  const out: string[] = [];
  if (res.statusCode >= 500) out.push(`status ${res.statusCode}`);
  const body = res.body;
  if (res.statusCode >= 400)
    for (const [what, re] of LEAKS) if (re.test(body)) out.push(`${what}: ${re.exec(body)?.[0]}`);
  const csp = String(res.headers['content-security-policy'] ?? '');
  if (!csp.includes("frame-ancestors 'none'"))
    out.push(`CSP without frame-ancestors 'none': ${csp || '(none)'}`);
  if (res.headers['x-frame-options'] !== 'DENY') out.push('no X-Frame-Options: DENY');
  if (res.headers['x-content-type-options'] !== 'nosniff') out.push('no nosniff');
  if (!res.headers['referrer-policy']) out.push('no Referrer-Policy');
  const type = String(res.headers['content-type'] ?? '');
  if (c.route.method === 'GET' && res.statusCode === 400) {
    const expected = isMachinePath(c.path()) ? 'application/json' : 'text/html';
    if (!type.startsWith(expected)) out.push(`400 as ${type || '(no type)'}, expected ${expected}`);
  }
  if (type.startsWith('text/html') && (body.includes(XSS) || body.includes(XSS_ATTR)))
    out.push('HTML payload reflected unescaped');
  return out;
}

describe('fuzzing every route of the whole server', () => {
  let server: FullServer;
  let app: FastifyInstance;

  beforeAll(async () => {
    server = await fullServer('bullmq');
    app = server.app;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('registers the routes of every part, alert and Bull Board routes included', () => {
    const urls = new Set(server.routes.map((r) => `${r.method} ${r.url}`));
    for (const expected of [
      'GET /healthz',
      'GET /readyz',
      'POST /admin/api/poll',
      'GET /admin/queues',
      'GET /api/v1/search',
      'GET /api/v1/export',
      'POST /api/v1/subscriptions',
      'POST /api/v1/alerts',
      'PUT /admin/queues/api/queues/:queueName/clean/:queueStatus',
      'DELETE /api/v1/alerts/:id',
      'GET /alerts/feed/:token',
      'POST /alerts/manage/action',
      'GET /search',
      'GET /people/:id',
      'GET /debates/*',
    ])
      expect(urls, expected).toContain(expected);
  });

  it('answers hostile input on every route with no 5xx, no leak, and the security headers', async () => {
    const gen = new Generator(SEED);
    const routes = [...server.routes, ...UNKNOWN_PATHS];
    const cases: Case[] = [];
    routes.forEach((route, i) => {
      if (route.method !== 'HEAD') {
        const names = pathParams(route).concat(namesOf(route) === NAMES ? [] : namesOf(route));
        for (const name of names) for (const h of CRITICAL) cases.push(gen.targeted(route, name, h));
        // Every third hostile value, rotating, placed at random: each value meets every kind of route.
        HOSTILE.forEach((h, j) => (i + j) % 3 === 0 && cases.push(gen.make(route, h)));
      }
      for (let k = 0; k < RANDOM_PER_ROUTE; k++) cases.push(gen.make(route));
    });
    expect(cases.length).toBeGreaterThan(2000);
    expect(cases.length).toBeLessThan(6000);
    const failures: string[] = [];
    /** route + problem → count, so a systematic failure reads as one line. */
    const kinds = new Map<string, number>();
    for (const c of cases) {
      const res = await app.inject(c.inject());
      const problems = problemsOf(c, res);
      if (problems.length === 0) continue;
      failures.push(
        `${c.describe()}\n    → ${res.statusCode}: ${problems.join('; ')}\n    ${res.body.slice(0, 300)}`,
      );
      for (const p of problems) {
        const kind = `${c.route.method} ${c.route.url}: ${p.slice(0, 80)}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    const summary = [...kinds].map(([k, n]) => `${n}× ${k}`).join('\n');
    expect(
      `${summary}\n\nFirst failures:\n${failures.slice(0, 10).join('\n')}`,
      `${failures.length} of ${cases.length} requests failed`,
    ).toBe('\n\nFirst failures:\n');
  }, 600_000);
});
