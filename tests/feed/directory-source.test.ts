import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryFeedSource } from '../../src/feed/directory-source.js';
import { FeedNotFoundError, IncompleteBodyError } from '../../src/feed/errors.js';
import { HttpFeedSource } from '../../src/feed/http-source.js';
import type { FeedSource, FetchResult } from '../../src/feed/source.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { makeFixtureTree, type FixtureTree } from './fixture-tree.js';

let tree: FixtureTree;
let server: PwdataServer;
let http: HttpFeedSource;
let dir: DirectoryFeedSource;

beforeAll(async () => {
  tree = makeFixtureTree();
  server = await startPwdataServer({ root: tree.root });
  http = new HttpFeedSource({ baseUrl: server.url, minIntervalMs: 0, attempts: 1 });
  dir = new DirectoryFeedSource(tree.root);
});
afterAll(async () => {
  await http.close();
  await dir.close();
  await server.close();
  tree.remove();
});

/** What must agree between sources: everything but where the bytes came from and HTTP validators. */
function comparable(result: FetchResult): { status: string; checksum: string; bytes: string | undefined } {
  return { status: result.status, checksum: result.checksum, bytes: result.bytes?.toString('base64') };
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await run();
    return typeof result === 'object' && result !== null && 'checksum' in result
      ? comparable(result as FetchResult)
      : result;
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

describe('DirectoryFeedSource', () => {
  const cases: [string, (source: FeedSource) => Promise<unknown>][] = [
    ['list debates', (s) => s.listChanges('debates')],
    [
      'list debates after a cursor',
      (s) => s.listChanges('debates', { time: 1577990000, names: ['debates2020-01-02a.xml'] }),
    ],
    ['list wrans (CRLF)', (s) => s.listChanges('wrans')],
    ['list a type without changedates', (s) => s.listChanges('westminhall')],
    ['fetch a file', (s) => s.fetchFile('debates', 'debates2020-01-01a.xml')],
    ['fetch an unlisted file', (s) => s.fetchFile('westminhall', 'westminster2020-01-01a.xml')],
    ['fetch a missing file', (s) => s.fetchFile('debates', 'debates1999-01-01a.xml')],
    ['fetch people', (s) => s.fetchPeople()],
    ['refuse an unsafe name', (s) => s.fetchFile('..', 'x.xml')],
  ];

  it.each(cases)('gives the same result as HttpFeedSource: %s', async (_, run) => {
    expect(await outcome(() => run(dir))).toEqual(await outcome(() => run(http)));
  });

  it('agrees on unchanged given the previous checksum from either source', async () => {
    const viaHttp = await http.fetchFile('debates', 'debates2020-01-02a.xml');
    const viaDir = await dir.fetchFile('debates', 'debates2020-01-02a.xml');
    expect(viaDir.checksum).toBe(viaHttp.checksum);
    expect((await dir.fetchFile('debates', 'debates2020-01-02a.xml', viaHttp)).status).toBe('unchanged');
    expect((await http.fetchFile('debates', 'debates2020-01-02a.xml', viaDir)).status).toBe('unchanged');
    expect((await dir.fetchPeople(await http.fetchPeople())).status).toBe('unchanged');
  });

  it('reports file:// URLs and a typed not-found', async () => {
    const result = await dir.fetchFile('debates', 'debates2020-01-03a.xml');
    expect(result.url).toMatch(/^file:\/\/.*\/scrapedxml\/debates\/debates2020-01-03a\.xml$/);
    expect(result.lastModified).toMatch(/GMT$/);
    await expect(dir.fetchFile('debates', 'nope.xml')).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
    await expect(dir.listChanges('nosuchtype')).rejects.toBeInstanceOf(FeedNotFoundError);
  });

  it('refuses a half-written file in the mirror', async () => {
    tree.write('scrapedxml/debates/partial.xml', '<?xml version="1.0"?>\n<publicwhip>\n<speech>cut');
    await expect(dir.fetchFile('debates', 'partial.xml')).rejects.toBeInstanceOf(IncompleteBodyError);
  });
});
