import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FeedHttpError,
  FeedNotFoundError,
  IncompleteBodyError,
  InvalidBodyError,
} from '../../src/feed/errors.js';
import { HttpFeedSource, type HttpFeedSourceOptions } from '../../src/feed/http-source.js';
import type { FetchResult } from '../../src/feed/source.js';
import { sha256Hex } from '../../src/store/checksum.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { makeFixtureTree, type FixtureTree } from './fixture-tree.js';

const BIG = 'scrapedxml/debates/debates2020-01-01a.xml';
const SMALL = 'scrapedxml/debates/debates2020-01-02a.xml';

let tree: FixtureTree;
let server: PwdataServer;
let sources: HttpFeedSource[] = [];

/** Fast settings: tiny backoff, no rate limit, short timeout. */
function source(overrides: HttpFeedSourceOptions = {}): HttpFeedSource {
  const created = new HttpFeedSource({
    baseUrl: server.url,
    attempts: 4,
    baseDelayMs: 5,
    maxDelayMs: 50,
    minIntervalMs: 0,
    timeoutMs: 2000,
    ...overrides,
  });
  sources.push(created);
  return created;
}

function fixtureBytes(relative: string): Buffer {
  return readFileSync(path.join(tree.root, ...relative.split('/')));
}

function newBytes(result: FetchResult): Buffer {
  if (result.status !== 'new') throw new Error(`expected new, got ${result.status}`);
  return result.bytes;
}

beforeAll(() => {
  tree = makeFixtureTree();
});
afterAll(() => tree.remove());

beforeEach(async () => {
  server = await startPwdataServer({ root: tree.root });
});
afterEach(async () => {
  await Promise.all(sources.map((s) => s.close()));
  sources = [];
  await server.close();
});

describe('HttpFeedSource: listing and fetching', () => {
  it('lists changes after a cursor from changedates.txt (CRLF and blank lines included)', async () => {
    const feed = source();
    const debates = await feed.listChanges('debates', {
      time: 1577990000,
      names: ['debates2020-01-02a.xml'],
    });
    expect(debates.pending.map((e) => e.name)).toEqual(['debates2020-01-03a.xml', 'debates2020-01-01a.xml']);
    const wrans = await feed.listChanges('wrans');
    expect(wrans).toEqual({
      pending: [{ time: 1577950000, name: 'answers2020-01-01a.xml', line: 1 }],
      issues: [],
    });
  });

  it('fetches a file byte for byte with checksum, ETag and Last-Modified, gzip on the wire', async () => {
    const result = await source().fetchFile('debates', 'debates2020-01-01a.xml');
    const expected = fixtureBytes(BIG);
    expect(newBytes(result).equals(expected)).toBe(true);
    expect(result.checksum).toBe(sha256Hex(expected));
    expect(result.etag).toMatch(/^"[0-9a-f]+-gzip"$/);
    expect(result.lastModified).toMatch(/GMT$/);
    const [request] = server.requestsFor(BIG);
    expect(request?.acceptEncoding).toMatch(/gzip/);
    expect(request?.ifNoneMatch).toBeUndefined();
  });

  it('decodes brotli and identity bodies too', async () => {
    for (const compression of ['br', 'none'] as const) {
      await server.close();
      server = await startPwdataServer({ root: tree.root, compression });
      const result = await source().fetchFile('debates', 'debates2020-01-02a.xml');
      expect(newBytes(result).equals(fixtureBytes(SMALL))).toBe(true);
    }
  });

  it('sends the project User-Agent', async () => {
    await source().fetchPeople();
    const agent = server.requestsFor('members/people.json')[0]?.userAgent ?? '';
    expect(agent).toMatch(/^hansard-watch\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/hansard-watch\)$/);
  });

  it('re-requests an unchanged file only conditionally: 304, no body, same checksum', async () => {
    const feed = source();
    const first = await feed.fetchFile('debates', 'debates2020-01-01a.xml');
    const second = await feed.fetchFile('debates', 'debates2020-01-01a.xml', first);
    expect(second).toMatchObject({ status: 'unchanged', checksum: first.checksum, etag: first.etag });
    expect(second.bytes).toBeUndefined();
    const requests = server.requestsFor(BIG);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({
      status: 304,
      ifNoneMatch: first.etag,
      ifModifiedSince: first.lastModified,
    });
  });

  it('fetches people.json conditionally too', async () => {
    const feed = source();
    const first = await feed.fetchPeople();
    expect(JSON.parse(newBytes(first).toString('utf8'))).toHaveProperty('persons');
    expect((await feed.fetchPeople(first)).status).toBe('unchanged');
    expect(server.requestsFor('members/people.json').map((r) => r.status)).toEqual([200, 304]);
  });

  it('treats a 200 with the same bytes as unchanged, and new bytes as new', async () => {
    const feed = source();
    const first = await feed.fetchFile('debates', 'debates2020-01-02a.xml');
    // A server that ignores conditionals (no validators sent back) still yields 'unchanged'.
    const same = await feed.fetchFile('debates', 'debates2020-01-02a.xml', { checksum: first.checksum });
    expect(same.status).toBe('unchanged');
    tree.write(
      SMALL,
      fixtureBytes(SMALL).toString('latin1').replace('Invented Business', 'Revised Business'),
    );
    const revised = await feed.fetchFile('debates', 'debates2020-01-02a.xml', first);
    expect(revised.status).toBe('new');
    expect(revised.checksum).not.toBe(first.checksum);
    expect(newBytes(revised).toString('latin1')).toContain('Revised Business');
  });

  it('polls changedates.txt conditionally once it has seen it', async () => {
    const feed = source();
    const first = await feed.listChanges('debates');
    const again = await feed.listChanges('debates', { time: 1577990000, names: ['debates2020-01-02a.xml'] });
    expect(first.pending).toHaveLength(3);
    expect(again.pending).toHaveLength(2);
    expect(server.requestsFor('scrapedxml/debates/changedates.txt').map((r) => r.status)).toEqual([200, 304]);
  });

  it('throws FeedNotFoundError on 404 without retrying', async () => {
    const feed = source();
    const error = await feed.fetchFile('debates', 'debates1999-01-01a.xml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedNotFoundError);
    expect(error).toMatchObject({ status: 404, attempts: 1, retryable: false });
    expect(server.requestsFor('scrapedxml/debates/debates1999-01-01a.xml')).toHaveLength(1);
    await expect(feed.listChanges('nosuchtype')).rejects.toBeInstanceOf(FeedNotFoundError);
  });

  it('refuses a body larger than maxBytes, compressed or not, without retrying', async () => {
    for (const compression of ['gzip', 'none'] as const) {
      await server.close();
      server = await startPwdataServer({ root: tree.root, compression });
      const error = await source({ maxBytes: 20_000 })
        .fetchFile('debates', 'debates2020-01-01a.xml')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidBodyError);
      expect(error).toMatchObject({ reason: 'too-large', retryable: false, attempts: 1 });
      expect(server.requestsFor(BIG)).toHaveLength(1);
    }
  });

  it('refuses names that could leave the layout', async () => {
    await expect(source().fetchFile('debates', '../../members/people.json')).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('HttpFeedSource: faults', () => {
  it('retries 500/503 with backoff, then succeeds', async () => {
    server.addFault({ path: SMALL, times: 2, action: { kind: 'status', status: 503 } });
    server.addFault({ path: SMALL, times: 1, action: { kind: 'status', status: 500 } });
    const result = await source().fetchFile('debates', 'debates2020-01-02a.xml');
    expect(newBytes(result).equals(fixtureBytes(SMALL))).toBe(true);
    expect(server.requestsFor(SMALL).map((r) => r.status)).toEqual([503, 503, 500, 200]);
  });

  it('gives up after the configured attempts with a typed FeedHttpError', async () => {
    server.addFault({ path: /debates2020-01-02a/, action: { kind: 'status', status: 503 } });
    const error = await source({ attempts: 3 })
      .fetchFile('debates', 'debates2020-01-02a.xml')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedHttpError);
    expect(error).toMatchObject({ status: 503, attempts: 3, retryable: true, url: `${server.url}${SMALL}` });
    expect(server.requestsFor(SMALL)).toHaveLength(3);
  });

  it('honours Retry-After on 429, and hands back one longer than it will wait', async () => {
    server.addFault({ path: SMALL, times: 1, action: { kind: 'status', status: 429, retryAfter: '1' } });
    const started = Date.now();
    await source({ maxDelayMs: 5000 }).fetchFile('debates', 'debates2020-01-02a.xml');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    server.addFault({ path: SMALL, times: 1, action: { kind: 'status', status: 429, retryAfter: '120' } });
    const error = await source({ maxDelayMs: 50 })
      .fetchFile('debates', 'debates2020-01-02a.xml')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 120_000, attempts: 1, retryable: true });
  });

  it('retries after a timeout (hang or slow answer), then succeeds', async () => {
    server.addFault({ path: SMALL, times: 1, action: { kind: 'hang' } });
    server.addFault({ path: SMALL, times: 1, action: { kind: 'delay', ms: 2000 } });
    const result = await source({ timeoutMs: 200 }).fetchFile('debates', 'debates2020-01-02a.xml');
    expect(newBytes(result).equals(fixtureBytes(SMALL))).toBe(true);
    expect(server.requestsFor(SMALL).map((r) => r.fault)).toEqual(['hang', 'delay', null]);
  });

  it('reports a timeout that never clears as FeedHttpError with no status', async () => {
    server.addFault({ path: SMALL, action: { kind: 'hang' } });
    const error = await source({ timeoutMs: 100, attempts: 2 })
      .fetchFile('debates', 'debates2020-01-02a.xml')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedHttpError);
    expect(error).toMatchObject({ status: null, attempts: 2, retryable: true });
    expect(String(error)).toMatch(/timed out/);
  });

  it('retries a connection reset', async () => {
    server.addFault({ path: SMALL, times: 2, action: { kind: 'reset' } });
    const result = await source().fetchFile('debates', 'debates2020-01-02a.xml');
    expect(result.status).toBe('new');
    expect(server.requestsFor(SMALL)).toHaveLength(3);
  });

  describe.each([
    { declareFullLength: true, compression: 'gzip' as const },
    { declareFullLength: true, compression: 'none' as const },
    { declareFullLength: false, compression: 'gzip' as const },
    { declareFullLength: false, compression: 'none' as const },
  ])('a body cut off mid-file (full length declared: $declareFullLength, $compression)', (mode) => {
    beforeEach(async () => {
      await server.close();
      server = await startPwdataServer({ root: tree.root, compression: mode.compression });
    });

    it('is never handed on: IncompleteBodyError naming the URL once retries run out', async () => {
      const action = { kind: 'truncate' as const, declareFullLength: mode.declareFullLength };
      server.addFault({ path: BIG, action });
      const error = await source({ attempts: 2 })
        .fetchFile('debates', 'debates2020-01-01a.xml')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IncompleteBodyError);
      expect(error).toMatchObject({ url: `${server.url}${BIG}`, attempts: 2, retryable: true });
      expect((error as IncompleteBodyError).byteLength).toBeGreaterThan(0);
      expect(server.requestsFor(BIG)).toHaveLength(2);
    });

    it('is fetched again and succeeds when the next answer is whole', async () => {
      server.addFault({
        path: BIG,
        times: 1,
        action: { kind: 'truncate', declareFullLength: mode.declareFullLength },
      });
      const result = await source().fetchFile('debates', 'debates2020-01-01a.xml');
      expect(newBytes(result).equals(fixtureBytes(BIG))).toBe(true);
    });
  });

  it('leaves a changedates line cut off without Content-Length for the next poll', async () => {
    // Uncompressed: a cut gzip stream would not decode and would simply be retried.
    await server.close();
    server = await startPwdataServer({ root: tree.root, compression: 'none' });
    const listing = 'scrapedxml/debates/changedates.txt';
    // 'keep' ends inside the second line's file name.
    server.addFault({
      path: listing,
      times: 1,
      action: { kind: 'truncate', keep: 50, declareFullLength: false },
    });
    const feed = source();
    const cut = await feed.listChanges('debates');
    expect(cut.pending.map((e) => e.name)).toEqual(['debates2020-01-01a.xml']);
    expect((await feed.listChanges('debates')).pending).toHaveLength(3);
  });

  it('spaces requests by the configured minimum interval', async () => {
    const feed = source({ minIntervalMs: 60 });
    await Promise.all([0, 1, 2, 3, 4].map(() => feed.fetchFile('debates', 'debates2020-01-03a.xml')));
    const times = server.requestsFor('scrapedxml/debates/debates2020-01-03a.xml').map((r) => r.at);
    expect(times).toHaveLength(5);
    // Starts are ≥ 4 x 60 ms apart; arrival times wobble under load, so leave a wide margin.
    expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(180);
  });

  it('stops waiting when the caller aborts', async () => {
    server.addFault({ path: SMALL, action: { kind: 'hang' } });
    const controller = new AbortController();
    const pending = source({ timeoutMs: 60_000 }).fetchFile('debates', 'debates2020-01-02a.xml', undefined, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
  });
});
