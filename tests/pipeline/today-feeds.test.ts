/**
 * The live feed as it is today: the shared week plus the excerpts of today's layouts
 * (tests/fixtures/feeds-today: verbatim, but for the Senedd's, modern wms' and modern
 * lordspages', derived from their writers), served under their real folder names — modern
 * written answers in `wrans/`, the Scottish Parliament in the meeting folder
 * `sp-new/meeting-of-the-parliament/`, one Senedd day in `senedd/en/` and `senedd/cy/` (the
 * same file name twice), a modern statement day in `wms/` and a modern Lords day in
 * `lordspages/` — and polled with FEED_TYPES' defaults. The poll must find the nested
 * folders from `sp-new/`'s and `senedd/`'s indexes and end with every speech stored, the
 * Welsh file's as translations of the English speeches, not as speeches.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  copyFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startBackfill } from '../../src/pipeline/backfill.js';
import { parseIndexFolders } from '../../src/feed/feed-index.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir, EXPECTED_SPEECHES } from '../support/corpus.js';
import { freshStore } from '../support/db.js';
import { startPwdataServer, type PwdataServer } from '../support/pwdata-server.js';
import { buildPipeline, captureLog, caughtUp, corpusFiles, pollOnce, waitFor } from './harness.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'feeds-today', 'scrapedxml');
const WRANS = path.join('wrans', 'answers2026-02-23.xml');
const SP = path.join('sp-new', 'meeting-of-the-parliament', '2026-03-13_20136.xml');
// One Senedd day in both languages: the same file name in two folders.
const SENEDD_EN = path.join('senedd', 'en', 'senedd2026-01-14.xml');
const SENEDD_CY = path.join('senedd', 'cy', 'senedd2026-01-14.xml');
// Derived from their writers (no real modern file found), served beside the 2009 week's files.
const WMS = path.join('wms', 'ministerial2026-02-24.xml');
const LORDS = path.join('lordspages', 'daylord2026-01-14a.xml');

/** Speech-like elements by a plain count of the XML, not by our parser. */
const speechesIn = (rel: string): number =>
  (readFileSync(path.join(fixtures, rel), 'utf8').match(/<(speech|ques|reply)\s/g) ?? []).length;
/** Welsh speeches with Welsh text: those not printed in English for want of a translation (`lang="en"`). */
const welshIn = (rel: string): number =>
  [...readFileSync(path.join(fixtures, rel), 'utf8').matchAll(/<speech\s[^>]*>/g)].filter(
    (m) => !/\slang="/.test(m[0]),
  ).length;

/** The shared week (files linked, not copied) with today's fixtures added under their folders. */
function feedTree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hw-today-'));
  mkdirSync(path.join(root, 'members'));
  symlinkSync(path.join(corpusDir, 'members', 'people.json'), path.join(root, 'members', 'people.json'));
  for (const type of readdirSync(path.join(corpusDir, 'scrapedxml'))) {
    const dir = path.join(root, 'scrapedxml', type);
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(path.join(corpusDir, 'scrapedxml', type)))
      symlinkSync(path.join(corpusDir, 'scrapedxml', type, name), path.join(dir, name));
  }
  for (const rel of [WRANS, SP, SENEDD_EN, SENEDD_CY, WMS, LORDS]) {
    mkdirSync(path.dirname(path.join(root, 'scrapedxml', rel)), { recursive: true });
    copyFileSync(path.join(fixtures, rel), path.join(root, 'scrapedxml', rel));
  }
  // No file of senedd-votes/ was found to serve (docs/data-model.md): the folder is there, empty.
  mkdirSync(path.join(root, 'scrapedxml', 'senedd-votes'));
  return root;
}

describe.skipIf(!corpusAvailable())('today’s feeds polled live', () => {
  let server: PwdataServer | undefined;
  let db: Db | undefined;
  let pipeline: Pipeline | undefined;
  let root: string | undefined;

  afterAll(async () => {
    await pipeline?.stop(5000);
    await db?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('finds sp-new’s meeting folder, the Senedd’s language folders and the new wrans file; the store ends with exact counts', async () => {
    root = feedTree();
    server = await startPwdataServer({ root });
    db = await freshStore('postgres');
    const types = loadConfig({}).FEED_TYPES;
    expect(types).toEqual(
      expect.arrayContaining([...Object.keys(EXPECTED_SPEECHES), 'sp-new', 'senedd', 'senedd-votes']),
    );
    const { log } = captureLog();
    const p = buildPipeline({ db, feedUrl: server.url, types, log, everyMs: 300 });
    pipeline = p;
    p.startWorkers();
    await p.startSchedule();
    const files = corpusFiles().length + 6;
    await waitFor('the pipeline to catch up', () => caughtUp(p, server!, files), 240_000, 250);

    const byType = await db.query<{ type: string; n: number }>(
      'SELECT type, count(*)::int AS n FROM speeches GROUP BY type',
    );
    expect(Object.fromEntries(byType.map((r) => [r.type, r.n]))).toEqual({
      ...EXPECTED_SPEECHES,
      wrans: EXPECTED_SPEECHES.wrans! + speechesIn(WRANS),
      wms: EXPECTED_SPEECHES.wms! + speechesIn(WMS),
      lordspages: EXPECTED_SPEECHES.lordspages! + speechesIn(LORDS),
      'sp-new': speechesIn(SP),
      // The Welsh file adds no speech: its text is the English speeches' second language.
      senedd: speechesIn(SENEDD_EN),
    });
    // The 2009 week, then wrans, sp-new, senedd, wms and lordspages fixtures counted by hand.
    expect(byType.reduce((sum, r) => sum + r.n, 0)).toBe(7942 + 6 + 6 + 6 + 3 + 5);
    const lordsDivisions = await db.query<{ n: number; votes: number }>(
      `SELECT count(*)::int AS n, (SELECT count(*)::int FROM votes WHERE division_gid LIKE 'uk.org.publicwhip/lords/2026-%') AS votes
         FROM divisions WHERE gid LIKE 'uk.org.publicwhip/lords/2026-%'`,
    );
    const lordsXml = readFileSync(path.join(fixtures, LORDS), 'utf8');
    expect(lordsDivisions).toEqual([
      { n: (lordsXml.match(/<division\s/g) ?? []).length, votes: (lordsXml.match(/<lord\s/g) ?? []).length },
    ]);
    const welsh = await db.query<{ n: number; linked: number }>(
      `SELECT count(*)::int AS n, count(s.gid)::int AS linked
         FROM speech_translations t LEFT JOIN speeches s ON s.gid = t.speech_gid WHERE t.lang = 'cy'`,
    );
    expect(welsh).toEqual([{ n: welshIn(SENEDD_CY), linked: welshIn(SENEDD_CY) }]);
    expect(welshIn(SENEDD_CY)).toBe(5);
    const versions = await db.query<{ type: string; name: string }>(
      `SELECT type, name FROM feed_versions
        WHERE type LIKE 'sp-new%' OR type LIKE 'senedd%'
           OR name IN ('answers2026-02-23.xml', 'ministerial2026-02-24.xml', 'daylord2026-01-14a.xml')
        ORDER BY type`,
    );
    expect(versions).toEqual([
      { type: 'lordspages', name: 'daylord2026-01-14a.xml' },
      { type: 'senedd/cy', name: 'senedd2026-01-14.xml' },
      { type: 'senedd/en', name: 'senedd2026-01-14.xml' },
      { type: 'sp-new/meeting-of-the-parliament', name: '2026-03-13_20136.xml' },
      { type: 'wms', name: 'ministerial2026-02-24.xml' },
      { type: 'wrans', name: 'answers2026-02-23.xml' },
    ]);
    const stored = await db.query<{ name: string; group_key: string }>(
      `SELECT name, group_key FROM feed_files WHERE type = 'senedd' ORDER BY name`,
    );
    expect(stored).toEqual([
      { name: 'cy/senedd2026-01-14.xml', group_key: 'cy/senedd2026-01-14' },
      { name: 'en/senedd2026-01-14.xml', group_key: 'en/senedd2026-01-14' },
    ]);
    // The folder listing is conditional like any index: polls after the first get a 304 for it.
    const folderIndex = server.requests.filter((r) => r.path === 'scrapedxml/sp-new/');
    expect(folderIndex.length).toBeGreaterThan(1);
    expect(folderIndex.slice(1).every((r) => r.status === 304)).toBe(true);
    expect(server.requests.filter((r) => r.path === 'scrapedxml/senedd/').length).toBeGreaterThan(1);
    expect(await p.queue.failed()).toEqual([]);

    // A backfill of the nested type reaches its meeting folders too.
    const plan = await startBackfill(p.deps, { from: '2026-01-01', types: ['sp-new'], force: true });
    expect(plan.perType).toEqual({ 'sp-new/meeting-of-the-parliament': 1 });
  }, 300_000);
});

describe('meeting folders in an autoindex page', () => {
  it('are the relative links ending in a slash; parent, sort and file links are not', () => {
    const page =
      '<a href="?C=N;O=D">Name</a><a href="/pwdata/scrapedxml/">Parent Directory</a>' +
      '<a href="../">Up</a><a href="meeting-of-the-parliament/">meeting-of-the-parliament/</a>' +
      '<a href="health-social-care-and-sport-committee/">x</a><a href="2026-03-13_20136.xml">f</a>';
    expect(parseIndexFolders(page)).toEqual([
      'health-social-care-and-sport-committee',
      'meeting-of-the-parliament',
    ]);
  });
});

describe('the sp-new folder listing failing', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reports sp-new failed and records nothing; the next poll lists the meeting folder and clears the error', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'hw-today-fail-'));
    mkdirSync(path.join(root, 'members'));
    copyFileSync(
      path.join(import.meta.dirname, '..', 'fixtures', 'member', 'people.json'),
      path.join(root, 'members', 'people.json'),
    );
    mkdirSync(path.dirname(path.join(root, 'scrapedxml', SP)), { recursive: true });
    copyFileSync(path.join(fixtures, SP), path.join(root, 'scrapedxml', SP));
    // Three 503s outlast the index client's retries in the first poll, whatever its attempts (2 or 3).
    const server = await startPwdataServer({
      root,
      faults: [{ path: 'scrapedxml/sp-new/', times: 3, action: { kind: 'status', status: 503 } }],
    });
    const db = await freshStore('postgres');
    const { log } = captureLog();
    const p = buildPipeline({ db, feedUrl: server.url, types: ['sp-new'], log, feedAttempts: 2 });
    cleanups.push(async () => {
      await p.stop(2000);
      await db.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    });
    const pending = async () =>
      db.query<{ type: string; name: string }>('SELECT type, name FROM feed_pending ORDER BY type, name');
    const lastError = async () =>
      (
        await db.query<{ last_error: string | null }>(
          `SELECT last_error FROM feed_cursors WHERE type = 'sp-new'`,
        )
      )[0]?.last_error;

    await expect(pollOnce(p, log)).rejects.toThrow(/every feed type failed to poll \(sp-new\)/);
    expect(await pending()).toEqual([]);
    expect(await lastError()).toMatch(/503/);

    const second = await pollOnce(p, log);
    expect(second.typesFailed).toEqual([]);
    expect(await pending()).toEqual([
      { type: 'sp-new/meeting-of-the-parliament', name: '2026-03-13_20136.xml' },
    ]);
    expect(await lastError()).toBeNull();
  }, 60_000);
});
