import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeedFile } from '../../src/debate/parse.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import type { Db } from '../../src/store/db.js';
import type { PeopleData } from '../../src/member/types.js';
import { corpusAvailable, corpusDir, EXPECTED_SPEECHES } from '../support/corpus.js';
import { freshStore, storeDigest, type StoreKind } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';

const KINDS: StoreKind[] = ['postgres', 'pglite'];

describe.skipIf(!corpusAvailable()).each(KINDS)('the shared week on %s', (kind) => {
  let db: Db;
  let people: PeopleData;
  beforeAll(async () => {
    people = readPeople(path.join(corpusDir, 'members', 'people.json'));
    db = await freshStore(kind);
    const summary = await ingest(db, listSourceFiles(corpusDir), people, 2);
    expect(summary.failed).toEqual([]);
    expect(summary.files).toBe(59);
  }, 600_000);
  afterAll(async () => db?.close());

  it('holds exactly the speech-like elements of the latest versions, per type', async () => {
    const rows = await db.query<{ type: string; n: number }>(
      'SELECT type, count(*)::int AS n FROM speeches GROUP BY type',
    );
    expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toEqual(EXPECTED_SPEECHES);
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM paragraphs');
    // 19,318 `<p>` plus 396 tables that stand directly in a speech, each kept as a paragraph of its own.
    expect(n).toBe(19714);
  });

  it('resolves every named speaker to a person with party at the date', async () => {
    const rows = await db.query<{ ids: number; unresolved: number; partyless: number }>(
      `SELECT count(DISTINCT speaker_id)::int AS ids,
              count(*) FILTER (WHERE person_id IS NULL)::int AS unresolved,
              count(*) FILTER (WHERE party IS NULL)::int AS partyless
         FROM speeches WHERE speaker_id IS NOT NULL`,
    );
    // Nine NI speeches print "Mr Deputy Speaker" with the Speaker's own id: the deputy is
    // not identified, so they are left unattributed (src/member/office.ts).
    expect(rows[0]).toEqual({ ids: 842, unresolved: 9, partyless: 9 });
    const offices = await db.query<{ speaker_name: string; n: number }>(
      `SELECT speaker_name, count(*)::int AS n FROM speeches WHERE speaker_id IS NOT NULL AND person_id IS NULL GROUP BY 1`,
    );
    expect(offices).toEqual([{ speaker_name: 'Mr Deputy Speaker', n: 9 }]);
  });

  it('keeps paragraphs in document order', async () => {
    const bad = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT speech_gid, seq, row_number() OVER (PARTITION BY speech_gid ORDER BY seq) - 1 AS expect FROM paragraphs) x
       WHERE seq <> expect`,
    );
    expect(bad[0]?.n).toBe(0);
    const s = await new SpeechRepository(db).get('uk.org.publicwhip/debate/2009-10-26a.1.2');
    expect(s?.gid).toBe('uk.org.publicwhip/debate/2009-10-26b.1.2');
    expect(s?.paragraphs.map((p) => p.pid)).toEqual(['b.1.2/1', 'b.1.2/2']);
  });

  it('stores every time as a Postgres time, read back as HH:MM, as the current files give it', async () => {
    const types = await db.query<{ table_name: string; data_type: string }>(
      `SELECT table_name, data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'time' ORDER BY table_name`,
    );
    expect(types).toEqual(
      ['divisions', 'headings', 'speeches'].map((t) => ({
        table_name: t,
        data_type: 'time without time zone',
      })),
    );
    const stored = new Map<string, string | null>();
    for (const table of ['headings', 'speeches', 'divisions']) {
      const rows = await db.query<{ gid: string; time: string | null }>(
        `SELECT gid, to_char(time, 'HH24:MI') AS time FROM ${table}`,
      );
      for (const r of rows) stored.set(r.gid, r.time);
    }
    // Read independently of the parser: every item's raw time attribute in the current files.
    const current = await db.query<{ type: string; current_file: string }>(
      'SELECT type, current_file FROM sittings',
    );
    const expected = new Map<string, string | null>();
    for (const { type, current_file } of current) {
      const xml = readFileSync(path.join(corpusDir, 'scrapedxml', type, current_file), 'latin1');
      for (const tag of xml.matchAll(
        /<(?:major-heading|minor-heading|oral-heading|speech|ques|reply|division|divisioncount)\s[^>]*>/g,
      )) {
        const gid = /\sid="([^"]+)"/.exec(tag[0])?.[1];
        if (gid === undefined) continue;
        const raw = /\stime="([^"]*)"/.exec(tag[0])?.[1] ?? '';
        const m = /^0?(\d{1,2}):(\d\d)(?::00)?$/.exec(raw);
        expected.set(gid, m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : null);
      }
    }
    expect(stored.size).toBe(expected.size);
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(expected));
    const times = [...stored.values()].filter((t) => t !== null);
    expect(times).toHaveLength(4745);
    expect(times.every((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t))).toBe(true);
    // `011:32:00` in the feed: the API's speech reads it back as 11:32.
    const speech = await new SpeechRepository(db).get('uk.org.publicwhip/debate/2009-10-29a.443.1');
    expect(speech?.time).toBe('11:32');
  });

  it('ingesting again changes no row', async () => {
    const before = await storeDigest(db, { ignoreVolatile: false });
    const again = await ingest(db, listSourceFiles(corpusDir), people, 2);
    expect(again).toMatchObject({ unchanged: 59, ingested: 0 });
    expect(await storeDigest(db, { ignoreVolatile: false })).toEqual(before);
  });
});

describe.skipIf(!corpusAvailable())('revisions of 26 October 2009 (Commons)', () => {
  const stores: Db[] = [];
  afterAll(async () => Promise.all(stores.map((s) => s.close())));

  it('a then b leaves exactly b, every gid of a resolves into b, and b then a is the same state', async () => {
    const people = readPeople(path.join(corpusDir, 'members', 'people.json'));
    const a = 'debates2009-10-26a.xml';
    const b = 'debates2009-10-26b.xml';
    const ab = await freshStore('postgres');
    const ba = await freshStore('postgres');
    const bOnly = await freshStore('postgres');
    stores.push(ab, ba, bOnly);
    await ingest(ab, pick(corpusDir, a, b), people);
    await ingest(ba, pick(corpusDir, b, a), people);
    await ingest(bOnly, pick(corpusDir, b), people);

    const gids = async (db: Db) =>
      (await db.query<{ gid: string }>('SELECT gid FROM speeches ORDER BY gid')).map((r) => r.gid);
    expect(await gids(ab)).toEqual(await gids(bOnly));
    expect((await gids(ab)).every((g) => g.includes('2009-10-26b'))).toBe(true);

    const aGids = await ab.query<{ old_gid: string }>(
      'SELECT old_gid FROM gid_redirects WHERE file_name = $1',
      [a],
    );
    expect(aGids.length).toBeGreaterThan(400);
    const speeches = new SpeechRepository(ab);
    // Every speech-like element of 26a resolves to a stored 26b speech…
    const aDoc = parseFeedFile(readFileSync(path.join(corpusDir, 'scrapedxml', 'debates', a)), a);
    expect(aDoc.speeches.length).toBeGreaterThan(50);
    for (const sp of aDoc.speeches)
      expect((await speeches.get(sp.gid))?.gid, sp.gid).toContain('2009-10-26b');
    // …and every other id it redirects lands on a 26b speech, heading or division.
    for (const { old_gid } of aGids) {
      const s = await speeches.get(old_gid);
      if (s) {
        expect(s.gid).toContain('2009-10-26b');
        continue;
      }
      const other = await ab.query(
        `SELECT 1 FROM gid_redirects r WHERE r.old_gid = $1
           AND (EXISTS (SELECT 1 FROM headings h WHERE h.gid = r.new_gid) OR EXISTS (SELECT 1 FROM divisions d WHERE d.gid = r.new_gid))`,
        [old_gid],
      );
      expect(other.length, `${old_gid} resolves to nothing`).toBe(1);
    }
    expect(await storeDigest(ba)).toEqual(await storeDigest(ab));
  }, 120_000);
});
