/**
 * Bounded resources (issue #18), against a real server on real Postgres with a small pool:
 * slow-reading exports cannot starve the pool, /readyz tells a starved pool from a healthy
 * one, a stalled export gives its connection back, every connection carries its timeouts,
 * an export that fails before its first byte answers plain JSON, and a huge stored
 * paragraph comes back capped and paged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withApplicationName } from '../../src/app/store.js';
import { openDb, type Db, type DbOptions } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { RESPONSE_LIMITS } from '../../src/speech/paragraph-window.js';
import { webPlugin } from '../../src/web/api/web.js';
import type { StreamLimits } from '../../src/web/api/stream-limits.js';
import { healthPlugin } from '../../src/web/health.js';
import { freshStore, testDatabaseUrl } from '../support/db.js';

interface TestStore {
  db: Db;
  /** Also the application_name of its sessions, to find them in pg_stat_activity. */
  schema: string;
  close(): Promise<void>;
}

async function openTestStore(opts: Partial<DbOptions> = {}): Promise<TestStore> {
  const schema = `hw_test_${randomBytes(6).toString('hex')}`;
  const db = await openDb({
    databaseUrl: withApplicationName(testDatabaseUrl, schema),
    schema,
    poolSize: 4,
    ...opts,
  });
  await migrate(db);
  return {
    db,
    schema,
    async close() {
      await db.close();
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

const DAY = '2030-01-01';
const HEADING = 'uk.org.publicwhip/debate/2030-01-01a.1.0';
const HUGE_SPEECH = 'uk.org.publicwhip/debate/2030-01-01a.1.1';
const LONG_SPEECH = 'uk.org.publicwhip/debate/2030-01-01a.1.2';
const HUGE_CHARS = 5_000_000;
/** Paragraphs of the long speech, each LONG_PARAGRAPH_CHARS: more than one response's budget in all. */
const LONG_PARAGRAPHS = 60;
const LONG_PARAGRAPH_CHARS = 60_000;
/** Small speeches after those two, SMALL_PARAGRAPHS each: more paragraphs than one response holds. */
const SMALL_SPEECHES = 250;
const SMALL_PARAGRAPHS = 10;
const DEBATE_PARAGRAPHS = 1 + LONG_PARAGRAPHS + SMALL_SPEECHES * SMALL_PARAGRAPHS;

/**
 * A debate holding one 5 MB paragraph (a single unbroken "word" after a rare one, as the
 * probe's was), a speech of 60 × 60,000 characters and 2,500 small paragraphs; and a
 * second day of ~32 MB of plain paragraphs, so that an export outlasts socket buffers.
 */
async function seed(db: Db, opts: { bulk: boolean }): Promise<void> {
  await db.query(
    `INSERT INTO headings (gid, group_key, type, sitting_date, seq, kind, title)
     VALUES ($1, 'debates/2030-01-01a', 'debates', $2, 0, 'major', 'A very long debate')`,
    [HEADING, DAY],
  );
  await db.query(
    `INSERT INTO speeches (gid, group_key, type, sitting_date, seq, kind, speaker_name, nospeaker, major_heading_gid, content_hash)
     SELECT 'uk.org.publicwhip/debate/2030-01-01a.1.' || n, 'debates/2030-01-01a', 'debates', $2, n, 'speech',
            'Speaker ' || n, false, $1, md5(n::text)
       FROM generate_series(1, $3::int) n`,
    [HEADING, DAY, 2 + SMALL_SPEECHES],
  );
  await db.query(
    `INSERT INTO paragraphs (speech_gid, seq, html, body)
     SELECT $1, 0, NULL, 'zyxwoble ' || repeat('a', $2::int)`,
    [HUGE_SPEECH, HUGE_CHARS],
  );
  await db.query(
    `INSERT INTO paragraphs (speech_gid, seq, html, body)
     SELECT $1, n, NULL, 'Part ' || n || ' ' || repeat('long text ', $2::int / 10)
       FROM generate_series(0, $3::int - 1) n`,
    [LONG_SPEECH, LONG_PARAGRAPH_CHARS, LONG_PARAGRAPHS],
  );
  await db.query(
    `INSERT INTO paragraphs (speech_gid, seq, html, body)
     SELECT 'uk.org.publicwhip/debate/2030-01-01a.1.' || s, p, '<i>Said</i> ' || s || '/' || p, 'Said ' || s || '/' || p
       FROM generate_series(3, $1::int + 2) s, generate_series(0, $2::int - 1) p`,
    [SMALL_SPEECHES, SMALL_PARAGRAPHS],
  );
  await db.query(
    `INSERT INTO paragraph_search (speech_gid, seq, sitting_date, tsv)
     SELECT speech_gid, seq, $1, to_tsvector('english', left(body, 1000)) FROM paragraphs`,
    [DAY],
  );
  if (opts.bulk) await seedBulk(db);
  await db.query('ANALYZE');
}

/** The bulk day: 400 speeches × 20 paragraphs × 4,000 characters. */
async function seedBulk(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO speeches (gid, group_key, type, sitting_date, seq, kind, nospeaker, content_hash)
     SELECT 'uk.org.publicwhip/debate/2030-02-01a.2.' || n, 'debates/2030-02-01a', 'debates', '2030-02-01', n, 'speech', true, md5(n::text)
       FROM generate_series(1, 400) n`,
  );
  await db.query(
    `INSERT INTO paragraphs (speech_gid, seq, html, body)
     SELECT 'uk.org.publicwhip/debate/2030-02-01a.2.' || s, p, NULL, repeat('bulk ', 800)
       FROM generate_series(1, 400) s, generate_series(0, 19) p`,
  );
}

async function serve(
  db: Db,
  streams: Partial<StreamLimits>,
): Promise<{ app: FastifyInstance; base: string }> {
  // As `serve` assembles it (src/app/processes.ts, buildServer's 'read' role).
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(healthPlugin, { db, timeoutMs: 500 });
  await app.register(webPlugin, { db, tags: [], rateLimit: false, streams });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, for refusals (read whole); empty for a 200, which is left unread. */
  body: string;
  res: http.IncomingMessage;
  req: http.ClientRequest;
}

/** A GET from `localAddress` (any 127/8 address is loopback on Linux); a 200 is paused: a client that reads nothing. */
function slowGet(url: string, localAddress: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 200) {
        res.pause();
        resolve({ status, headers: res.headers, body: '', res, req });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status, headers: res.headers, body, res, req }));
    });
    req.on('error', reject);
  });
}

/**
 * How the response ended, once the caller lets the client read (`read()`): 'aborted' when
 * it was cut off before its end. Until then the client stays paused, so a stalled export
 * really is stalled (reading here at once would let the export finish normally).
 */
function outcome(d: Download): { read(): Promise<'aborted' | 'complete'> } {
  let ended = false;
  const result = new Promise<'aborted' | 'complete'>((resolve) => {
    d.res.on('end', () => {
      ended = true;
      resolve('complete');
    });
    d.res.on('close', () => resolve(ended ? 'complete' : 'aborted'));
    d.res.on('error', () => resolve('aborted'));
  });
  return {
    read: () => {
      d.res.resume();
      return result;
    },
  };
}

async function waitFor(what: string, test: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Our sessions by state (application_name is the schema). */
async function sessions(schema: string): Promise<{ state: string; query: string }[]> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    const res = await admin.query<{ state: string; query: string }>(
      `SELECT state, query FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [schema],
    );
    return res.rows;
  } finally {
    await admin.end();
  }
}

const EXPORT = '/api/v1/export?format=csv&from=0001-01-01&to=9999-12-31';

describe('exports against a small pool (Postgres)', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let base: string;
  const open: Download[] = [];

  beforeAll(async () => {
    store = await openTestStore({ poolSize: 4 });
    await seed(store.db, { bulk: true });
    ({ app, base } = await serve(store.db, { exports: 2, perClient: 1 }));
  }, 120_000);
  afterEach(async () => {
    for (const d of open.splice(0)) d.req.destroy();
    // Every export has ended and handed its connection back before the next test.
    await waitFor('exports to end', async () =>
      (await sessions(store.schema)).every((s) => s.state !== 'idle in transaction'),
    );
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('refuses exports over the per-address and server caps at once, and search still answers', async () => {
    // Eight slow readers from one address, as in the probe.
    const fromOne = await Promise.all(Array.from({ length: 8 }, () => slowGet(base + EXPORT, '127.0.0.1')));
    open.push(...fromOne);
    const streaming = fromOne.filter((d) => d.status === 200);
    const refused = fromOne.filter((d) => d.status !== 200);
    expect(streaming).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const d of refused) {
      expect(d.status).toBe(429);
      expect(Number(d.headers['retry-after'])).toBeGreaterThan(0);
      expect(d.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(d.body)).toMatchObject({ error: 'Too Many Requests' });
    }
    // Other addresses: one more fits under the server's cap of two, the next is refused.
    const second = await slowGet(base + EXPORT, '127.0.0.2');
    open.push(second);
    expect(second.status).toBe(200);
    const third = await slowGet(base + EXPORT, '127.0.0.3');
    open.push(third);
    expect(third.status).toBe(503);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.body).not.toMatch(/FST_|at .*\.js/);

    // The two exports hold their transactions (idle while their clients read nothing)…
    await waitFor('two exports idle in transaction', async () => {
      const idle = (await sessions(store.schema)).filter((s) => s.state === 'idle in transaction');
      return idle.length === 2 && idle.every((s) => /FETCH \d+ FROM export_rows/.test(s.query));
    });
    // …and leave the rest of the pool free: nobody waits for a connection.
    const pool = store.db.poolStats();
    expect(pool?.waiting).toBe(0);
    expect(pool!.max - (pool!.total - pool!.idle)).toBeGreaterThanOrEqual(2);

    const started = performance.now();
    const search = await fetch(`${base}/api/v1/search?q=zyxwoble`);
    const searchMs = performance.now() - started;
    expect(search.status).toBe(200);
    expect(((await search.json()) as { results: unknown[] }).results).toHaveLength(1);
    // The bound. The design makes it deterministic: no connection is waited for (above).
    expect(searchMs).toBeLessThan(1000);
    expect((await fetch(`${base}/`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'ok', pool: { max: 4, waiting: 0 } });
  });

  it('ends an export whose client stops reading, and gives its slot and connection back', async () => {
    await app.close();
    ({ app, base } = await serve(store.db, { exports: 2, perClient: 1, stallMs: 400 }));
    const stalled = await slowGet(base + EXPORT, '127.0.0.1');
    open.push(stalled);
    expect(stalled.status).toBe(200);
    const ended = outcome(stalled);
    // The client reads nothing: the export fills its buffers and waits in its transaction…
    await waitFor('the export to stall in its transaction', async () =>
      (await sessions(store.schema)).some((s) => s.state === 'idle in transaction'),
    );
    // …until, within a few stall periods, it is ended, not completed.
    await waitFor('the stalled export to end', async () =>
      (await sessions(store.schema)).every((s) => s.state !== 'idle in transaction'),
    );
    expect(await ended.read()).toBe('aborted');
    // The slot is free again: the same address may export once more (the release follows
    // the cursor's close, so allow it a moment).
    let again = await slowGet(base + EXPORT, '127.0.0.1');
    for (let i = 0; again.status === 429 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await slowGet(base + EXPORT, '127.0.0.1');
    }
    open.push(again);
    expect(again.status).toBe(200);
  });
});

describe('/readyz and a starved pool (Postgres)', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    store = await openTestStore({ poolSize: 3, acquireTimeoutMs: 1500 });
    ({ app, base } = await serve(store.db, { exports: 1, perClient: 1 }));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('answers 503 while every connection is held and nobody gets one, 200 once they are back', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const holders = Array.from({ length: 3 }, () =>
      store.db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await held;
      }),
    );
    try {
      await waitFor(
        'the pool to be taken',
        async () => store.db.poolStats()?.idle === 0 && store.db.poolStats()?.total === 3,
      );

      const starved = await fetch(`${base}/readyz`);
      expect(starved.status).toBe(503);
      const body = (await starved.json()) as { status: string; store: string; pool: { waiting: number } };
      expect(body.status).toBe('unavailable');
      expect(body.store).toMatch(/no connection free \(3 of 3 busy, \d+ waiting\)/);
      expect(body.pool.waiting).toBeGreaterThanOrEqual(1);
      // /healthz is liveness only: the process is fine.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      // An export meanwhile cannot get a connection in time: a clean 503, no download headers, no internals.
      const exp = await fetch(base + EXPORT);
      expect(exp.status).toBe(503);
      expect(exp.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(exp.headers.get('content-type')).toMatch(/^application\/json/);
      expect(exp.headers.get('content-disposition')).toBeNull();
      expect(await exp.text()).not.toMatch(/FST_|timeout exceeded|at .*\.js/);
    } finally {
      letGo();
      await Promise.all(holders);
    }
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { pool: { waiting: number } }).pool.waiting).toBe(0);
  });
});

describe('an export that fails before its first byte (Postgres)', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    store = await openTestStore({ poolSize: 3 });
    ({ app, base } = await serve(store.db, { exports: 1, perClient: 1 }));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('answers a plain JSON 500 without Fastify codes or stack traces, and frees its slot', async () => {
    // The export's query reads paragraph_tags: without it, the query fails.
    await store.db.query('ALTER TABLE paragraph_tags RENAME TO paragraph_tags_gone');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(base + EXPORT);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-disposition')).toBeNull();
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: 'Internal Server Error',
        message: 'Something went wrong on the server; it has been logged.',
      });
      expect(text).not.toMatch(/FST_|paragraph_tags|\.ts:|\.js:/);
    }
    await store.db.query('ALTER TABLE paragraph_tags_gone RENAME TO paragraph_tags');
    const res = await fetch(base + EXPORT);
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n')[0]).toMatch(/^gid,/);
  });
});

describe('timeouts on every Postgres connection', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('cancels a statement past statement_timeout, on each connection of the pool', async () => {
    store = await openTestStore({ poolSize: 2, statementTimeoutMs: 200 });
    const shown = await Promise.all(
      [0, 1].map(() =>
        store!.db.transaction(async (tx) => {
          const [row] = await tx.query<{ statement_timeout: string }>('SHOW statement_timeout');
          await new Promise((r) => setTimeout(r, 50));
          return row?.statement_timeout;
        }),
      ),
    );
    expect(shown).toEqual(['200ms', '200ms']);
    await expect(store.db.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    // Migrations lift it for their own transaction.
    expect((await migrate(store.db)).applied).toEqual([]);
  });

  it('ends a transaction left idle past idle_in_transaction_session_timeout, and the pool recovers', async () => {
    store = await openTestStore({ poolSize: 1, idleInTransactionTimeoutMs: 300 });
    const abandoned = store.db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 1200));
      await tx.query('SELECT 2');
    });
    await expect(abandoned).rejects.toThrow(/idle-in-transaction timeout|terminat|Connection/i);
    const [row] = await store.db.query<{ n: number }>('SELECT 3 AS n');
    expect(row?.n).toBe(3);
  });
});

describe.each(['postgres', 'pglite'] as const)('a huge stored paragraph and a long debate (%s)', (kind) => {
  let store: { db: Db; close(): Promise<void> };
  let app: FastifyInstance;

  beforeAll(async () => {
    if (kind === 'postgres') store = await openTestStore({ poolSize: 4 });
    else {
      const db = await freshStore('pglite');
      store = { db, close: () => db.close() };
    }
    await seed(store.db, { bulk: false });
    app = Fastify({ logger: false });
    await app.register(webPlugin, { db: store.db, tags: [], rateLimit: false });
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });
  /** Bytes a response may reach: the page budget, one more paragraph at its cap, and JSON/HTML overhead. */
  const MAX_RESPONSE = RESPONSE_LIMITS.pageBytes + 3 * RESPONSE_LIMITS.paragraphChars + 500_000;

  it('cuts the huge paragraph in the speech API, flagged with its full length', async () => {
    const res = await get(`/api/v1/speeches/${HUGE_SPEECH}`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(3 * RESPONSE_LIMITS.paragraphChars);
    const s = res.json<{
      paragraphs: { text: string; html: string; truncated: boolean; fullLength: number }[];
      next: null;
    }>();
    expect(s.paragraphs).toHaveLength(1);
    expect(s.paragraphs[0]).toMatchObject({ truncated: true, fullLength: HUGE_CHARS + 'zyxwoble '.length });
    expect(s.paragraphs[0]!.text).toHaveLength(RESPONSE_LIMITS.paragraphChars);
    expect(s.paragraphs[0]!.text.startsWith('zyxwoble aaa')).toBe(true);
    expect(s.next).toBeNull();
  });

  it('pages a speech longer than one response, every paragraph once and in order', async () => {
    const seqs: number[] = [];
    let url: string | null = `/api/v1/speeches/${LONG_SPEECH}`;
    let pages = 0;
    while (url) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.length).toBeLessThan(MAX_RESPONSE);
      const page = res.json<{
        paragraphs: { seq: number; text: string; truncated: boolean }[];
        next: string | null;
      }>();
      for (const p of page.paragraphs) {
        expect(p.truncated).toBe(false);
        expect(p.text.startsWith(`Part ${p.seq} `)).toBe(true);
        seqs.push(p.seq);
      }
      url = page.next;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seqs).toEqual(Array.from({ length: LONG_PARAGRAPHS }, (_, i) => i));
  });

  it('pages the debate in the API, each response capped, every paragraph once', async () => {
    const seen: string[] = [];
    let url: string | null = `/api/v1/debates/${HEADING}`;
    let pages = 0;
    while (url) {
      const res = await get(url);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.rawPayload.length).toBeLessThan(MAX_RESPONSE);
      const debate = res.json<{
        title: string;
        speeches: { gid: string; continued: boolean; paragraphs: { seq: number; truncated: boolean }[] }[];
        next: string | null;
      }>();
      expect(debate.title).toBe('A very long debate');
      for (const s of debate.speeches) for (const p of s.paragraphs) seen.push(`${s.gid}#${p.seq}`);
      // A page that starts inside a speech (past its paragraph 0) says so; no other speech is marked.
      debate.speeches.forEach((s, i) =>
        expect(s.continued, s.gid).toBe(i === 0 && (s.paragraphs[0]?.seq ?? 0) > 0),
      );
      url = debate.next;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toHaveLength(DEBATE_PARAGRAPHS);
    expect(new Set(seen).size).toBe(DEBATE_PARAGRAPHS);
    expect(seen[0]).toBe(`${HUGE_SPEECH}#0`);
    expect(seen.at(-1)).toBe(
      `uk.org.publicwhip/debate/2030-01-01a.1.${SMALL_SPEECHES + 2}#${SMALL_PARAGRAPHS - 1}`,
    );
  });

  it('renders the debate page in capped parts linked to each other', async () => {
    const first = await get(`/debates/${HEADING}`);
    expect(first.statusCode).toBe(200);
    expect(first.rawPayload.length).toBeLessThan(MAX_RESPONSE);
    expect(first.body).toMatch(/only its first\s+100,000 are shown/);
    const next = /<a rel="next" href="([^"]+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await get(next!.replaceAll('&amp;', '&'));
    expect(second.statusCode).toBe(200);
    expect(second.rawPayload.length).toBeLessThan(MAX_RESPONSE);
    expect(second.body).toContain('A later part of a long debate');
    expect(second.body).not.toContain('zyxwoble');
    expect((await get(`/debates/${HEADING}?cursor=not-a-cursor`)).statusCode).toBe(400);
  });

  it('returns a search hit on the huge paragraph with a short excerpt', async () => {
    const res = await get('/api/v1/search?q=zyxwoble');
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(20_000);
    const { results } = res.json<{ results: { gid: string; excerpt: string; excerptHtml: string }[] }>();
    expect(results.map((r) => r.gid)).toEqual([HUGE_SPEECH]);
    expect(results[0]!.excerpt.startsWith('zyxwoble')).toBe(true);
    expect(results[0]!.excerptHtml).toContain('<mark>zyxwoble</mark>');
    expect(results[0]!.excerpt.length).toBeLessThanOrEqual(1001);
    const page = await get('/search?q=zyxwoble');
    expect(page.statusCode).toBe(200);
    expect(page.rawPayload.length).toBeLessThan(100_000);
  });
});
