/**
 * The client against the real TheyWorkForYou week, served as pwdata would serve it while
 * it was being published: files appear step by step in changedates order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceCursor, type ChangeCursor } from '../../src/feed/changedates.js';
import { DirectoryFeedSource } from '../../src/feed/directory-source.js';
import { HttpFeedSource } from '../../src/feed/http-source.js';
import type { FetchResult } from '../../src/feed/source.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';

const key = (type: string, name: string): string => `${type}/${name}`;

describe.skipIf(!corpusAvailable())('feed client over the shared corpus', () => {
  let server: PwdataServer;
  let feed: HttpFeedSource;
  const fetched = new Map<string, FetchResult>();

  beforeAll(async () => {
    server = await startPwdataServer({ root: corpusDir, releaseOrder: 'manual' });
    feed = new HttpFeedSource({ baseUrl: server.url, minIntervalMs: 0, attempts: 2, baseDelayMs: 5 });
  });
  afterAll(async () => {
    await feed?.close();
    await server?.close();
  });

  it('lists every file version exactly once, in order, as it is released, and fetches it byte for byte', async () => {
    const types = [...new Set(server.timeline.map((e) => e.type))];
    const cursors = new Map<string, ChangeCursor | null>();
    const seen: { type: string; name: string; time: number; step: number }[] = [];
    const releasedAt = new Map<string, number>();

    // Release 1, 2, 3, 1, 2, 3, … entries per step, so steps sometimes split a shared timestamp.
    for (let step = 0; server.released() < server.timeline.length; step++) {
      for (const entry of server.release((step % 3) + 1)) releasedAt.set(key(entry.type, entry.name), step);
      for (const type of types) {
        const { pending, issues } = await feed.listChanges(type, cursors.get(type));
        expect(issues).toEqual([]);
        for (const entry of pending) {
          const result = await feed.fetchFile(type, entry.name);
          expect(result.status).toBe('new');
          expect(
            result.bytes?.equals(readFileSync(path.join(corpusDir, 'scrapedxml', type, entry.name))),
          ).toBe(true);
          fetched.set(key(type, entry.name), result);
          seen.push({ type, name: entry.name, time: entry.time, step });
          cursors.set(type, advanceCursor(cursors.get(type), entry));
        }
      }
    }

    expect(seen.length).toBe(server.timeline.length);
    for (const type of types) {
      const expected = server.timeline.filter((e) => e.type === type).map((e) => `${e.time},${e.name}`);
      expect(seen.filter((e) => e.type === type).map((e) => `${e.time},${e.name}`)).toEqual(expected);
    }
    // Each version was listed in the very step that released it: none early, none late.
    for (const entry of seen) expect(entry.step).toBe(releasedAt.get(key(entry.type, entry.name)));
    for (const type of types) expect((await feed.listChanges(type, cursors.get(type))).pending).toEqual([]);
  });

  it('re-requests unchanged files only conditionally', async () => {
    expect(fetched.size).toBeGreaterThan(0);
    for (const [name, previous] of fetched) {
      const [type = '', file = ''] = name.split('/');
      expect((await feed.fetchFile(type, file, previous)).status).toBe('unchanged');
      const requests = server.requestsFor(`scrapedxml/${name}`);
      expect(requests.map((r) => r.status)).toEqual([200, 304]);
      expect(requests[1]?.ifNoneMatch).toBe(previous.etag);
    }
  });

  it('serves files no changedates lists, and people.json, identically to a directory mirror', async () => {
    const mirror = new DirectoryFeedSource(corpusDir);
    const scraped = path.join(corpusDir, 'scrapedxml');
    for (const type of readdirSync(scraped)) {
      for (const file of readdirSync(path.join(scraped, type)).filter((f) => f.endsWith('.xml'))) {
        const local = await mirror.fetchFile(type, file);
        const remote = fetched.get(key(type, file)) ?? (await feed.fetchFile(type, file));
        expect(remote.checksum).toBe(local.checksum);
      }
    }
    const people = await feed.fetchPeople();
    expect(people.checksum).toBe((await mirror.fetchPeople()).checksum);
    expect((await feed.fetchPeople(people)).status).toBe('unchanged');
  });
});
