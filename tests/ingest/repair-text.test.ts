/**
 * `repair text` on a store ingested before the fix: its paragraphs hold U+0092/U+0096 for
 * `&#146;`/`&#150;` and a raw BEL, and its search vectors and tags were computed from that
 * text. After the repair the text, search, tags and the CSV export all read the new text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/export-command.js';
import { runRepairText } from '../../src/cli/repair-command.js';
import { ingestBatch } from '../../src/app/ingest.js';
import { ingestBus } from '../../src/app/subscriptions.js';
import { filesWithControlText, repairText } from '../../src/ingest/repair-text.js';
import { indexPendingDays } from '../../src/ingest/search-index.js';
import type { Db } from '../../src/store/db.js';
import { createDefaultTagger } from '../../src/tag/index.js';
import { TagRepository } from '../../src/tag/tag-repository.js';
import { tagPendingDays } from '../../src/tag/tag-service.js';
import { storePerTest, testDatabaseUrl, type StoreKind } from '../support/db.js';
import { silentLog } from '../support/ingest.js';
import { debatesDay, debatesTree, fileOf, filesNamed, TAGGABLE } from './support.js';

const tagger = createDefaultTagger();
const DAY = '2030-05-04';
const CLEAN = '2030-05-05';
const GID = `uk.org.publicwhip/debate/${DAY}a.1.1`;

const RAW =
  'Neil O&#146;Brien said the privati\u0007sation of NHS hospitals and the outsourcing of clinical ' +
  'services to private contractors &#150; people&#146;s services &#150; must stop.';
/** What the parser stored before: references 128–159 as C1 controls, raw controls kept. */
const OLD_TEXT = RAW.replaceAll('&#146;', '\u0092').replaceAll('&#150;', '\u0096');
const NEW_TEXT =
  'Neil O\u2019Brien said the privatisation of NHS hospitals and the outsourcing of clinical ' +
  'services to private contractors \u2013 people\u2019s services \u2013 must stop.';

const source = debatesTree({
  [fileOf(DAY)]: debatesDay(DAY, `<p>${RAW}</p>`).replace('A Member', 'Neil O&#146;Brien'),
  [fileOf(CLEAN)]: debatesDay(CLEAN, TAGGABLE),
});
afterAll(() => rmSync(source, { recursive: true, force: true }));

/** The store as the old parser left it: its text, and search vectors and tags computed from it. */
async function oldStore(db: Db): Promise<void> {
  const files = filesNamed(source, fileOf(DAY), fileOf(CLEAN));
  expect((await ingestBatch(db, files, { workers: 0, people: null, log: silentLog, tagger })).failed).toEqual(
    [],
  );
  await db.query('UPDATE paragraphs SET body = $2, html = NULL WHERE speech_gid = $1', [GID, OLD_TEXT]);
  await db.query('UPDATE speeches SET speaker_name = $2 WHERE gid = $1', [GID, 'Neil O\u0092Brien']);
  // The indexer fills in missing vectors only (the ingest writes most of them): drop the new ones.
  await db.query('DELETE FROM paragraph_search WHERE speech_gid = $1', [GID]);
  await db.query(`INSERT INTO search_pending (group_key) VALUES ($1)`, [`debates${DAY}`]);
  await db.query(`INSERT INTO tag_pending (group_key) VALUES ($1)`, [`debates${DAY}`]);
  await indexPendingDays(db);
  await tagPendingDays({ db, tags: new TagRepository(db) }, tagger);
}

async function searchable(db: Db, word: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM paragraph_search WHERE speech_gid = $1 AND tsv @@ to_tsquery('english', $2)`,
    [GID, word],
  );
  return rows.length > 0;
}

/** Every keyword evidence term of the speech's paragraph tags, and the body text at its offsets. */
async function evidence(db: Db): Promise<{ term: string; atOffsets: string }[]> {
  const rows = await db.query<{ body: string; evidence: { term: string; start: number; end: number }[] }>(
    `SELECT p.body, t.evidence FROM paragraph_tags t JOIN paragraphs p USING (speech_gid, seq) WHERE t.speech_gid = $1`,
    [GID],
  );
  return rows.flatMap((r) =>
    r.evidence.map((e) => ({ term: e.term, atOffsets: r.body.slice(e.start, e.end) })),
  );
}

async function expectRepaired(db: Db): Promise<void> {
  const [speech] = await db.query<{ speaker_name: string; body: string; html: string }>(
    `SELECT s.speaker_name, p.body, paragraph_html(p.html, p.body) AS html
       FROM speeches s JOIN paragraphs p ON p.speech_gid = s.gid WHERE s.gid = $1`,
    [GID],
  );
  expect(speech).toEqual({ speaker_name: 'Neil O\u2019Brien', body: NEW_TEXT, html: NEW_TEXT });
  expect(await filesWithControlText(db)).toEqual([]);
  expect(await searchable(db, 'privatisation')).toBe(true);
  const terms = await evidence(db);
  expect(terms.length).toBeGreaterThan(0);
  for (const t of terms) expect(t.atOffsets).toBe(t.term);
  const [{ queued } = { queued: -1 }] = await db.query<{ queued: number }>(
    'SELECT (SELECT count(*) FROM search_pending) + (SELECT count(*) FROM tag_pending) AS queued',
  );
  expect(Number(queued)).toBe(0);
}

describe.each<StoreKind>(['postgres', 'pglite'])('repair text on %s', (kind) => {
  const store = storePerTest(kind);

  it('re-ingests only the files holding control characters; text, search and tags follow', async () => {
    const db = await store();
    await oldStore(db);
    // The old state, as found: the BEL split the word for search, tags' offsets count it.
    expect(await filesWithControlText(db)).toEqual([
      { name: fileOf(DAY), type: 'debates', groupKey: `debates${DAY}`, paragraphs: 1 },
    ]);
    expect(await searchable(db, 'privatisation')).toBe(false);

    const res = await repairText(db, source, {
      workers: 0,
      people: null,
      log: silentLog,
      events: ingestBus({ db, tagger }),
    });
    expect(res.missing).toEqual([]);
    expect(res.ingest).toMatchObject({ files: 1, ingested: 1, failed: [] });
    expect(res.remaining).toEqual([]);
    await expectRepaired(db);
    const warnings = await db.query<{ line: number; message: string }>(
      `SELECT line, message FROM ingest_errors WHERE file_name = $1 AND severity = 'warning' AND resolved_at IS NULL`,
      [fileOf(DAY)],
    );
    expect(warnings).toEqual([{ line: 5, message: 'control character U+0007 dropped' }]);

    // Nothing left to do: a second repair re-ingests nothing.
    expect(
      await repairText(db, source, {
        workers: 0,
        people: null,
        log: silentLog,
        events: ingestBus({ db, tagger }),
      }),
    ).toMatchObject({
      affected: [],
      ingest: null,
    });
  }, 120_000);

  it('names the affected files it cannot find in the source, and leaves them as they were', async () => {
    const db = await store();
    await oldStore(db);
    const empty = debatesTree({});
    try {
      const res = await repairText(db, empty, {
        workers: 0,
        people: null,
        log: silentLog,
        events: ingestBus({ db }),
      });
      expect(res).toMatchObject({ missing: [fileOf(DAY)], ingest: null });
      expect(res.remaining).toHaveLength(1);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('hansard-watch repair text (the command, on Postgres)', () => {
  const store = storePerTest('postgres');
  const saved = { url: process.env.DATABASE_URL, level: process.env.LOG_LEVEL };
  afterAll(() => {
    process.env.DATABASE_URL = saved.url;
    process.env.LOG_LEVEL = saved.level;
  });

  it('repairs the store, after which the CSV export carries the repaired text', async () => {
    const db = (await store()) as Db & { schema: string };
    await oldStore(db);
    const url = new URL(testDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${db.schema}`);
    process.env.DATABASE_URL = url.toString();
    process.env.LOG_LEVEL = 'warn';
    const out = mkdtempSync(path.join(os.tmpdir(), 'hw-repair-'));
    try {
      const csv = path.join(out, 'before.csv');
      expect(await runExport({ format: 'csv', out: csv })).toBe(0);
      expect(readFileSync(csv, 'utf8')).toContain('O\u0092Brien');

      expect(await runRepairText({ source, workers: '0', tag: true })).toBe(0);
      await expectRepaired(db);
      const after = path.join(out, 'after.csv');
      expect(await runExport({ format: 'csv', out: after })).toBe(0);
      const text = readFileSync(after, 'utf8');
      expect(text).toContain(NEW_TEXT);
      // eslint-disable-next-line no-control-regex -- looking for what the repair removed
      expect(text).not.toMatch(/[\u0080-\u009f\u0007]/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
