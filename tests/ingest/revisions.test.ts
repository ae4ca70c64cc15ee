import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeedFileName } from '../../src/debate/feed-file.js';
import { listIngestErrors } from '../../src/ingest/error-repository.js';
import { migrate } from '../../src/store/migrate.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import { storeDigest, storePerTest, type StoreKind } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';

const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
const people = readPeople(path.join(mini, 'members', 'people.json'));
const A = 'debates2030-01-07a.xml';
const B = 'debates2030-01-07b.xml';
const gid = (s: string) => `uk.org.publicwhip/debate/2030-01-07${s}`;

describe.each<StoreKind>(['postgres', 'pglite'])('ingest on %s', (kind) => {
  const store = storePerTest(kind);

  it('re-running migrations is a no-op', async () => {
    const db = await store();
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
  });

  it('a newer version replaces the older, and old gids resolve to the new speeches', async () => {
    const db = await store();
    const first = await ingest(db, pick(mini, A), people);
    expect(first).toMatchObject({ ingested: 1, speeches: 3, failed: [] });
    const second = await ingest(db, pick(mini, B), people);
    expect(second).toMatchObject({ ingested: 1, speeches: 3 });
    // b.10.1 is word for word a.10.1; b.10.2 merged two speeches; b.10.3 is new.
    expect(second.changedSpeechGids.sort()).toEqual([gid('b.10.2'), gid('b.10.3')]);

    const gids = await db.query<{ gid: string }>('SELECT gid FROM speeches ORDER BY seq');
    expect(gids.map((r) => r.gid)).toEqual([gid('b.10.1'), gid('b.10.2'), gid('b.10.3')]);
    const speeches = new SpeechRepository(db);
    for (const [old, now] of [
      ['a.10.1', 'b.10.1'],
      ['a.10.2', 'b.10.2'],
      ['a.10.3', 'b.10.2'],
    ]) {
      expect((await speeches.get(gid(old!)))?.gid).toBe(gid(now!));
    }
    expect(await speeches.get(gid('z.1.1'))).toBeNull();
  });

  it('ends in the same state whichever version arrives first', async () => {
    const ab = await store();
    await ingest(ab, pick(mini, A, B), people);
    const ba = await store();
    await ingest(ba, pick(mini, B), people);
    const late = await ingest(ba, pick(mini, A), people);
    expect(late.superseded).toBe(1);
    expect(await storeDigest(ba)).toEqual(await storeDigest(ab));
  });

  it('ingesting the same file again changes no row', async () => {
    const db = await store();
    await ingest(db, pick(mini, A, B), people);
    const before = await storeDigest(db, { ignoreVolatile: false });
    const again = await ingest(db, pick(mini, A, B), people);
    expect(again).toMatchObject({ unchanged: 2, ingested: 0, superseded: 0 });
    expect(await storeDigest(db, { ignoreVolatile: false })).toEqual(before);
  });

  it('keeps paragraphs in order with text and sanitised html, and resolves party and seat at the date', async () => {
    const db = await store();
    await ingest(db, pick(mini, B), people);
    const s = await new SpeechRepository(db).get(gid('b.10.3'));
    expect(s?.paragraphs.map((p) => p.body)).toEqual([
      'Will the Minister publish the tender documents?',
      'Staff deserve to know.',
    ]);
    expect(s?.paragraphs[0]?.html).toContain('<i>tender</i>');
    // Ann Example sat for Wexbury North as Labour until 2029, then Wexbury South as Green.
    expect(s).toMatchObject({
      personId: 'uk.org.publicwhip/person/90001',
      party: 'Green',
      constituency: 'Wexbury South',
    });
    const tsv = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM paragraph_search WHERE tsv @@ websearch_to_tsquery('english', 'tenders')`,
    );
    expect(tsv[0]?.n).toBe(1);
  });

  it('a gid redirected by a second file takes the later word, without failing either file', async () => {
    // A rewritten chain: b's file also redirects an a gid, which a's file redirected first.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-chain-'));
    const debates = path.join(dir, 'scrapedxml', 'debates');
    mkdirSync(debates, { recursive: true });
    copyFileSync(path.join(mini, 'scrapedxml', 'debates', A), path.join(debates, A));
    const b = readFileSync(path.join(mini, 'scrapedxml', 'debates', B), 'latin1');
    const extra = `<gidredirect oldgid="${gid('a.10.3')}" newgid="${gid('b.10.3')}" matchtype="changes"/>`;
    writeFileSync(path.join(debates, B), b.replace('<major-heading', `${extra}\n<major-heading`), 'latin1');
    const db = await store();
    expect(await ingest(db, pick(dir, A), people)).toMatchObject({ ingested: 1, failed: [] });
    expect(await ingest(db, pick(dir, B), people)).toMatchObject({ ingested: 1, failed: [] });
    const rows = await db.query<{ old_gid: string; new_gid: string; file_name: string }>(
      'SELECT old_gid, new_gid, file_name FROM gid_redirects WHERE old_gid LIKE $1 ORDER BY old_gid',
      [gid('a.%')],
    );
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.old_gid === gid('a.10.3'))).toEqual({
      old_gid: gid('a.10.3'),
      new_gid: gid('b.10.3'),
      file_name: B,
    });
    expect((await new SpeechRepository(db).get(gid('a.10.3')))?.gid).toBe(gid('b.10.3'));
    expect((await new SpeechRepository(db).get(gid('a.10.1')))?.gid).toBe(gid('b.10.1'));
  });

  it('reports a truncated and an invalid file by name and loads the rest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-bad-'));
    const debates = path.join(dir, 'scrapedxml', 'debates');
    mkdirSync(debates, { recursive: true });
    copyFileSync(path.join(mini, 'scrapedxml', 'debates', B), path.join(debates, B));
    const full = readFileSync(path.join(mini, 'scrapedxml', 'debates', A));
    writeFileSync(
      path.join(debates, 'debates2030-01-08a.xml'),
      full.subarray(0, Math.floor(full.length * 0.6)),
    );
    writeFileSync(path.join(debates, 'debates2030-01-09a.xml'), 'this is not <xml at all');
    const db = await store();
    const files = pick(dir, 'debates2030-01-08a.xml', B, 'debates2030-01-09a.xml');
    const res = await ingest(db, files, people);
    expect(res.ingested).toBe(1);
    expect(res.failed.map((f) => path.basename(f.file)).sort()).toEqual([
      'debates2030-01-08a.xml',
      'debates2030-01-09a.xml',
    ]);
    for (const f of res.failed) expect(f.message.length).toBeGreaterThan(5);
    const open = await listIngestErrors(db);
    expect(open.map((e) => e.file_name).sort()).toEqual(['debates2030-01-08a.xml', 'debates2030-01-09a.xml']);

    // Once a good copy of the file arrives, its error is marked resolved.
    copyFileSync(path.join(mini, 'scrapedxml', 'debates', A), path.join(debates, 'debates2030-01-08a.xml'));
    const fixed = await ingest(
      db,
      [
        {
          ...parseFeedFileName('debates2030-01-08a.xml'),
          path: path.join(debates, 'debates2030-01-08a.xml'),
        },
      ],
      people,
    );
    expect(fixed.failed).toEqual([]);
    expect((await listIngestErrors(db)).map((e) => e.file_name)).toEqual(['debates2030-01-09a.xml']);
  });
});
