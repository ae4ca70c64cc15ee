import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { makeFixtureTree, type FixtureTree } from './fixture-tree.js';

let tree: FixtureTree;
let server: PwdataServer;

beforeAll(() => {
  tree = makeFixtureTree();
});
afterAll(() => tree.remove());
afterEach(async () => server.close());

async function get(relative: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${relative}`, { headers });
}

describe('pwdata test server', () => {
  it('releases changedates lines over time across types, by timestamp, hiding unreleased files', async () => {
    server = await startPwdataServer({ root: tree.root, releaseOrder: 'manual' });
    expect(server.timeline.map((e) => `${e.type}:${e.time}`)).toEqual([
      'debates:1577900000',
      'wrans:1577950000',
      'debates:1577990000',
      'debates:1577990000',
      'debates:1578000000',
    ]);
    expect(await (await get('scrapedxml/debates/changedates.txt')).text()).toBe('');
    expect((await get('scrapedxml/debates/debates2020-01-01a.xml')).status).toBe(404);

    expect(server.release(2).map((e) => e.name)).toEqual([
      'debates2020-01-01a.xml',
      'answers2020-01-01a.xml',
    ]);
    expect(await (await get('scrapedxml/debates/changedates.txt')).text()).toBe(
      '1577900000,debates2020-01-01a.xml\n',
    );
    expect(await (await get('scrapedxml/wrans/changedates.txt')).text()).toBe(
      '1577950000,answers2020-01-01a.xml\r\n',
    );
    expect((await get('scrapedxml/debates/debates2020-01-01a.xml')).status).toBe(200);
    expect((await get('scrapedxml/debates/debates2020-01-02a.xml')).status).toBe(404);
    // Files no changedates lists, and people.json, are always there.
    expect((await get('scrapedxml/westminhall/westminster2020-01-01a.xml')).status).toBe(200);
    expect((await get('members/people.json')).status).toBe(200);

    expect(server.releaseUntil(1577990000)).toHaveLength(2);
    expect(server.released()).toBe(4);
    expect(server.release(10)).toHaveLength(1);
    expect((await (await get('scrapedxml/debates/changedates.txt')).text()).split('\n')).toHaveLength(5);
  });

  it('answers conditionals as Apache does: If-None-Match first, then If-Modified-Since', async () => {
    server = await startPwdataServer({ root: tree.root, compression: 'none' });
    const first = await get('members/people.json');
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await get('members/people.json', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('members/people.json', { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get('members/people.json', { 'if-modified-since': lastModified })).status).toBe(304);
    const stale = { 'if-none-match': '"other"', 'if-modified-since': lastModified };
    expect((await get('members/people.json', stale)).status).toBe(200);
    expect(server.requestsFor('members/people.json').map((r) => r.status)).toEqual([200, 304, 304, 304, 200]);
  });

  it('serves directory indexes with validators, answering 304 until the listing changes', async () => {
    server = await startPwdataServer({ root: tree.root, releaseOrder: 'manual', compression: 'none' });
    const first = await get('scrapedxml/debates/');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html;charset=UTF-8');
    expect(await first.text()).toMatch(/<title>Index of \/pwdata\/scrapedxml\/debates<\/title>/);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get('last-modified')).toBeTruthy();
    expect((await get('scrapedxml/debates/', { 'if-none-match': etag })).status).toBe(304);
    server.release(1);
    const changed = await get('scrapedxml/debates/', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('<a href="debates2020-01-01a.xml">debates2020-01-01a.xml</a>');
    expect((await get('scrapedxml/nosuchtype/')).status).toBe(404);
  });

  it('hides files no changedates.txt lists until they are released, when asked to', async () => {
    server = await startPwdataServer({ root: tree.root, unlisted: 'hidden' });
    expect(server.unlisted).toEqual(['westminhall/westminster2020-01-01a.xml']);
    expect((await get('scrapedxml/westminhall/westminster2020-01-01a.xml')).status).toBe(404);
    const before = await get('scrapedxml/westminhall/');
    expect(await before.text()).not.toContain('westminster2020-01-01a.xml');
    // Listed files are unaffected.
    expect((await get('scrapedxml/debates/debates2020-01-01a.xml')).status).toBe(200);
    expect(server.releaseUnlisted()).toEqual(['westminhall/westminster2020-01-01a.xml']);
    expect(server.releaseUnlisted()).toEqual([]);
    expect((await get('scrapedxml/westminhall/westminster2020-01-01a.xml')).status).toBe(200);
    const after = await get('scrapedxml/westminhall/', { 'if-none-match': before.headers.get('etag') ?? '' });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('westminster2020-01-01a.xml');
  });

  it('refuses paths outside the base or the tree', async () => {
    server = await startPwdataServer({ root: tree.root });
    expect((await get('../pwdata/members/people.json')).status).toBe(200); // normalised by the URL parser
    expect((await get('scrapedxml/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await fetch(server.url.replace('/pwdata/', '/other/'))).status).toBe(404);
  });

  it('applies a status fault to the next N requests of any path, then serves normally', async () => {
    server = await startPwdataServer({
      root: tree.root,
      faults: [{ times: 2, action: { kind: 'status', status: 500 } }],
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('members/people.json')).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(server.requests.map((r) => r.fault)).toEqual(['status', 'status', null]);
  });
});
