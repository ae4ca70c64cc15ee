import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { ingestBatch } from '../../src/app/ingest.js';
import type { Db } from '../../src/store/db.js';
import { createDefaultTagger, type Tagger } from '../../src/tag/index.js';
import { TagRepository } from '../../src/tag/tag-repository.js';
import { tagPendingDays } from '../../src/tag/tag-service.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore } from '../support/db.js';
import { pick, readPeople, silentLog } from '../support/ingest.js';

const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
let tagger: Tagger;
beforeAll(() => {
  tagger = createDefaultTagger();
});

interface Evidence {
  seq: number;
  terms: string[];
}

async function speechTags(db: Db, gid: string) {
  return db.query<{ tag: string; confidence: number; evidence: Evidence[]; model_version: string }>(
    'SELECT tag, confidence, evidence, model_version FROM speech_tags WHERE speech_gid = $1 ORDER BY tag',
    [gid],
  );
}

describe('tagging in the ingest', () => {
  const stores: Db[] = [];
  afterAll(async () => Promise.all(stores.map((s) => s.close())));

  it('tags a day after ingest, and re-tags the whole day when a revision replaces it', async () => {
    const db = await freshStore('postgres');
    stores.push(db);
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    const a = await ingestBatch(db, pick(mini, 'debates2030-01-07a.xml'), {
      workers: 0,
      people,
      log: silentLog,
      tagger,
    });
    expect(a.tagged).toBe(3);
    const before = await speechTags(db, 'uk.org.publicwhip/debate/2030-01-07a.10.1');
    expect(before.map((t) => t.tag)).toContain('outsourcing');
    expect(before[0]?.model_version).toBe(tagger.modelVersion);

    await ingestBatch(db, pick(mini, 'debates2030-01-07b.xml'), {
      workers: 0,
      people,
      log: silentLog,
      tagger,
    });
    // The unchanged speech has a new gid in version b: its tags moved with it, none stayed behind.
    expect(await speechTags(db, 'uk.org.publicwhip/debate/2030-01-07a.10.1')).toEqual([]);
    expect((await speechTags(db, 'uk.org.publicwhip/debate/2030-01-07b.10.1')).map((t) => t.tag)).toContain(
      'outsourcing',
    );
    const [left] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tag_pending');
    expect(left?.n).toBe(0);
  });

  it('retag reports no change when rules and model are unchanged, and counts a change when tags go', async () => {
    const db = await freshStore('postgres');
    stores.push(db);
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    await ingestBatch(db, pick(mini, 'debates2030-01-07b.xml'), {
      workers: 0,
      people,
      log: silentLog,
      tagger,
    });
    const repo = new TagRepository(db);
    expect(await repo.queueDays(null)).toBe(1);
    expect(await tagPendingDays({ db, tags: repo }, tagger)).toMatchObject({ days: 1, added: 0, removed: 0 });
    await db.query(`DELETE FROM speech_tags WHERE tag = 'outsourcing'`);
    await repo.queueDays('2030-01-01');
    const again = await tagPendingDays({ db, tags: repo }, tagger, { only: ['outsourcing'] });
    expect(again.added).toBeGreaterThan(0);
    expect(again.removed).toBe(0);
  });
});

describe.skipIf(!corpusAvailable())('tags on the shared week', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshStore('postgres');
    const people = readPeople(path.join(corpusDir, 'members', 'people.json'));
    const summary = await ingestBatch(db, listSourceFiles(corpusDir), {
      workers: 2,
      people,
      log: silentLog,
      tagger,
    });
    expect(summary.tagged).toBe(7942);
  }, 600_000);
  afterAll(async () => db?.close());

  async function expectTagged(gid: string, tag: string, word: RegExp) {
    const tags = await speechTags(db, gid);
    const found = tags.find((t) => t.tag === tag);
    expect(found, `${gid} should be tagged ${tag}`).toBeDefined();
    expect(found!.confidence).toBeGreaterThanOrEqual(0.5);
    // The evidence names paragraphs of this speech, and the first of them says the words.
    const first = found!.evidence[0]!;
    const [para] = await db.query<{ body: string }>(
      'SELECT body FROM paragraphs WHERE speech_gid = $1 AND seq = $2',
      [gid, first.seq],
    );
    expect(para?.body).toMatch(word);
  }

  it('tags the Royal Mail part-privatisation exchange at First Minister’s Questions as privatisation', async () => {
    await expectTagged('uk.org.publicwhip/spor/2009-10-29.20679.2', 'privatisation', /privatisation/i);
  });

  it('tags outsourced public services as outsourcing', async () => {
    await expectTagged(
      'uk.org.publicwhip/wrans/2009-10-26f.295187.r0',
      'outsourcing',
      /outsourc|consolidat/i,
    );
  });

  it('leaves procedural speeches untagged, and gives no STP or ACO tags in 2009', async () => {
    const [procedural] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid WHERE s.nospeaker`,
    );
    expect(procedural?.n).toBe(0);
    const [anachronism] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM speech_tags WHERE tag IN ('stp', 'aco')`,
    );
    expect(anachronism?.n).toBe(0);
    const [total] = await db.query<{ n: number }>(
      'SELECT count(DISTINCT speech_gid)::int AS n FROM speech_tags',
    );
    // A topic tracker, not a firehose: a small share of a week's 7,942 speeches.
    expect(total!.n).toBeGreaterThan(30);
    expect(total!.n).toBeLessThan(400);
  });
});
