/**
 * Every poll compares each type's directory index with what is known, so a file that
 * changedates.txt never lists (or a type with no changedates.txt) is found at the first
 * poll after it appears; an unchanged index costs one 304 (or, for a mirror, one stat);
 * a listing that fails is asked for again at the next poll, never taken as done.
 * Polls are run one at a time in this process against the local pwdata server.
 */
import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { DirectoryFeedIndex } from '../../src/feed/feed-index.js';
import { FeedNotFoundError } from '../../src/feed/index.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { startPwdataServer, type PwdataServer, type RequestRecord } from '../support/pwdata-server.js';
import { debatesXml, makeFixtureTree, type FixtureTree } from '../feed/fixture-tree.js';
import { buildPipeline, captureLog, pollOnce } from './harness.js';

const TYPES = ['debates', 'wrans', 'westminhall'];
const UNLISTED = 'scrapedxml/debates/debates2020-01-04a.xml';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  tree: FixtureTree;
  db: Db;
  pipeline: Pipeline;
  poll: () => ReturnType<typeof pollOnce>;
  pending: (type: string) => Promise<string[]>;
}

async function setUp(feed: { url?: string; dir?: string }, tree: FixtureTree, types = TYPES): Promise<Setup> {
  const db = await freshStore('postgres');
  const { log } = captureLog();
  const pipeline = buildPipeline({
    db,
    feedUrl: feed.url ?? 'http://127.0.0.1:9/pwdata/',
    ...(feed.dir ? { feedDir: feed.dir } : {}),
    types,
    log,
    feedAttempts: 2,
  });
  cleanups.push(async () => {
    await pipeline.stop(2000);
    await db.close();
  });
  const pending = async (type: string): Promise<string[]> =>
    (
      await db.query<{ name: string }>('SELECT name FROM feed_pending WHERE type = $1 ORDER BY name', [type])
    ).map((r) => r.name);
  return { tree, db, pipeline, poll: () => pollOnce(pipeline, log), pending };
}

async function httpSetUp(
  options: { unlistedAtStart?: boolean } = {},
): Promise<Setup & { server: PwdataServer }> {
  const tree = makeFixtureTree();
  if (options.unlistedAtStart) tree.write(UNLISTED, debatesXml('2020-01-04', 3));
  const server = await startPwdataServer({ root: tree.root });
  cleanups.push(async () => {
    await server.close();
    tree.remove();
  });
  return { ...(await setUp({ url: server.url }, tree)), server };
}

/** Requests made while `run` ran. */
async function during(server: PwdataServer, run: () => Promise<unknown>): Promise<RequestRecord[]> {
  const from = server.requests.length;
  await run();
  return server.requests.slice(from);
}

const indexPath = (type: string): string => `scrapedxml/${type}/`;

describe('directory index polling over HTTP', () => {
  it('costs one 304 per type when nothing changed', async () => {
    const { server, poll, pending } = await httpSetUp();
    const first = await during(server, poll);
    for (const type of TYPES)
      expect(
        first.filter((r) => r.path === indexPath(type)).map((r) => r.status),
        type,
      ).toEqual([200]);
    // westminhall has no changedates.txt: its file comes from the index alone.
    expect(await pending('westminhall')).toEqual(['westminster2020-01-01a.xml']);

    const second = await during(server, poll);
    for (const type of TYPES) {
      const listings = second.filter((r) => r.path === indexPath(type));
      expect(
        listings.map((r) => r.status),
        type,
      ).toEqual([304]);
      expect(listings[0]?.ifNoneMatch, type).toMatch(/^"[0-9a-f]{32}(-gzip)?"$/);
    }
    // Nothing else but changedates.txt, itself a 304, where there is one.
    expect(second.map((r) => `${r.path} ${r.status}`).sort()).toEqual([
      'scrapedxml/debates/ 304',
      'scrapedxml/debates/changedates.txt 304',
      'scrapedxml/westminhall/ 304',
      'scrapedxml/wrans/ 304',
      'scrapedxml/wrans/changedates.txt 304',
    ]);
  });

  it('finds a file changedates.txt never lists at the first poll after it appears', async () => {
    const { server, tree, poll, pending, db } = await httpSetUp();
    await poll();
    expect(await pending('debates')).not.toContain('debates2020-01-04a.xml');

    tree.write(UNLISTED, debatesXml('2020-01-04', 3));
    tree.write('scrapedxml/westminhall/westminster2020-01-02a.xml', debatesXml('2020-01-02', 2));
    const requests = await during(server, poll);
    expect(requests.find((r) => r.path === indexPath('debates'))?.status).toBe(200);
    expect(await pending('debates')).toContain('debates2020-01-04a.xml');
    expect(await pending('westminhall')).toEqual([
      'westminster2020-01-01a.xml',
      'westminster2020-01-02a.xml',
    ]);
    const [row] = await db.query<{ origin: string }>(
      `SELECT origin FROM feed_pending WHERE type = 'debates' AND name = 'debates2020-01-04a.xml'`,
    );
    expect(row?.origin).toBe('index');
    // Listed files keep their changedates version: the index adds only what it alone shows.
    const origins = await db.query<{ origin: string; n: number }>(
      `SELECT origin, count(*)::int AS n FROM feed_pending WHERE type = 'debates' GROUP BY origin ORDER BY origin`,
    );
    expect(origins).toEqual([
      { origin: 'index', n: 1 },
      { origin: 'poll', n: 3 },
    ]);

    const third = await during(server, poll);
    expect(third.filter((r) => r.path.endsWith('/')).every((r) => r.status === 304)).toBe(true);
  });

  it('asks again at the next poll after a listing fails, recording nothing as done', async () => {
    const { server, poll, pending, pipeline } = await httpSetUp({ unlistedAtStart: true });
    // A missing folder (404, not retried) and a server error on each of the index client's three tries.
    server.addFault({ path: indexPath('westminhall'), times: 1, action: { kind: 'status', status: 404 } });
    server.addFault({ path: indexPath('debates'), times: 3, action: { kind: 'status', status: 503 } });
    const first = await poll();
    expect(first.typesFailed.sort()).toEqual(['debates', 'westminhall']);
    expect(await pending('westminhall')).toEqual([]);
    expect(await pending('debates')).not.toContain('debates2020-01-04a.xml');
    // changedates.txt still did its part in the same poll.
    expect(await pending('debates')).toHaveLength(3);
    const debates = await pipeline.deps.cursors.get('debates');
    expect(debates.lastError).toMatch(/503/);
    expect(debates.indexValidators).toBeNull();
    expect((await pipeline.deps.cursors.get('westminhall')).lastError).toMatch(/Not found \(404\)/);

    // Next poll: the connection drops on every try for debates; westminhall is back.
    server.addFault({ path: indexPath('debates'), times: 3, action: { kind: 'reset' } });
    const second = await poll();
    expect(second.typesFailed).toEqual(['debates']);
    expect(await pending('westminhall')).toEqual(['westminster2020-01-01a.xml']);
    expect(await pending('debates')).not.toContain('debates2020-01-04a.xml');

    const third = await during(server, async () => expect((await poll()).typesFailed).toEqual([]));
    expect(await pending('debates')).toContain('debates2020-01-04a.xml');
    // Nothing was recorded for the failed listings, so this one is unconditional.
    const listing = third.filter((r) => r.path === indexPath('debates'));
    expect(listing.map((r) => [r.status, r.ifNoneMatch])).toEqual([[200, undefined]]);
    expect((await pipeline.deps.cursors.get('debates')).lastError).toBeNull();
  });

  it('retries an index page cut short without a Content-Length within the poll', async () => {
    const { server, poll, pending } = await httpSetUp({ unlistedAtStart: true });
    server.addFault({
      path: indexPath('debates'),
      times: 1,
      action: { kind: 'truncate', keep: 300, declareFullLength: false },
    });
    const requests = await during(server, async () => expect((await poll()).typesFailed).toEqual([]));
    expect(requests.filter((r) => r.path === indexPath('debates')).map((r) => r.fault)).toEqual([
      'truncate',
      null,
    ]);
    expect(await pending('debates')).toContain('debates2020-01-04a.xml');
  });
});

describe('directory index polling of a mirror (FEED_DIR)', () => {
  it('finds unlisted files and retries a missing folder at the next poll', async () => {
    const tree = makeFixtureTree();
    cleanups.push(async () => tree.remove());
    const { poll, pending } = await setUp({ dir: tree.root }, tree, [...TYPES, 'lordswms']);
    const first = await poll();
    expect(first.typesFailed).toEqual(['lordswms']); // no such folder yet
    expect(await pending('westminhall')).toEqual(['westminster2020-01-01a.xml']);

    tree.write(UNLISTED, debatesXml('2020-01-04', 3));
    tree.write('scrapedxml/lordswms/lordswms2020-01-02a.xml', debatesXml('2020-01-02', 1));
    const second = await poll();
    expect(second.typesFailed).toEqual([]);
    expect(await pending('debates')).toContain('debates2020-01-04a.xml');
    expect(await pending('lordswms')).toEqual(['lordswms2020-01-02a.xml']);
  });

  it('reads a directory again only when its mtime moved', async () => {
    const tree = makeFixtureTree();
    cleanups.push(async () => tree.remove());
    const dir = path.join(tree.root, 'scrapedxml', 'debates');
    let now = Date.now() + 10_000;
    const index = new DirectoryFeedIndex(tree.root, () => now);
    const first = await index.listIfChanged('debates', null);
    if (first.status !== 'listed') throw new Error('expected a listing');
    expect(first.entries.map((e) => e.name)).toEqual([
      'debates2020-01-01a.xml',
      'debates2020-01-02a.xml',
      'debates2020-01-03a.xml',
    ]);
    expect(first.validators.lastModified).toMatch(/^\d+$/);
    expect(await index.listIfChanged('debates', first.validators)).toEqual({ status: 'unchanged' });

    tree.write(UNLISTED, debatesXml('2020-01-04', 1));
    const past = new Date(Date.now() - 60_000);
    utimesSync(dir, past, past); // any move of the mtime counts, even backwards (a restored mirror)
    const second = await index.listIfChanged('debates', first.validators);
    expect(second.status === 'listed' && second.entries.map((e) => e.name)).toContain(
      'debates2020-01-04a.xml',
    );

    // A directory changed within the last two seconds is listed but not vouched for.
    now = Date.now();
    mkdirSync(path.join(dir, 'sub'));
    const fresh = await index.listIfChanged('debates', null);
    expect(fresh.status === 'listed' && fresh.validators).toEqual({ etag: null, lastModified: null });

    await expect(index.listIfChanged('lordswms', null)).rejects.toBeInstanceOf(FeedNotFoundError);
  });
});
