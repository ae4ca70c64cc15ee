/**
 * A day whose full-text indexing or tagging fails is recorded against its file and taken
 * off its queue: the run reports it and finishes, later runs index and tag their own days,
 * and `repair days` queues the failed ones again once the cause is gone.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { requeueFailedDays } from '../../src/ingest/day-failure.js';
import { listIngestErrors } from '../../src/ingest/error-repository.js';
import { ingestBatch } from '../../src/app/ingest.js';
import { indexPendingDays } from '../../src/ingest/search-index.js';
import { createDefaultTagger, type Tagger } from '../../src/tag/index.js';
import { TagRepository } from '../../src/tag/tag-repository.js';
import { tagPendingDays } from '../../src/tag/tag-service.js';
import { storePerTest, type StoreKind } from '../support/db.js';
import { silentLog } from '../support/ingest.js';
import { dayState, debatesDay, debatesTree, fileOf, filesNamed, TAGGABLE } from './support.js';

const realTagger = createDefaultTagger();
const FAULT = 'TAGGER-FAULT';

/** The real tagger, failing on one marker (as a tagger bug on one day's text would). */
const faultyTagger: Tagger = {
  ...realTagger,
  modelVersion: realTagger.modelVersion,
  tagSpeech(paragraphs) {
    if (paragraphs.some((p) => p.text.includes(FAULT))) throw new RangeError(`cannot tag ${FAULT}`);
    return realTagger.tagSpeech(paragraphs);
  },
};

const UNINDEXABLE = '2030-04-01';
const UNTAGGABLE = '2030-04-02';
const FINE = '2030-04-03';
const LATER = '2030-04-06';

// 120,000 distinct words: within every parse limit (~790,000 characters in one text node),
// but their tsvector is ~1.2 MB, over Postgres' 1 MB: to_tsvector fails for the whole day.
const words = Array.from({ length: 120_000 }, (_, i) => `w${i.toString(36)}q`).join(' ');

const dir = debatesTree({
  [fileOf(UNINDEXABLE)]: debatesDay(UNINDEXABLE, `<p>${words}</p>`),
  [fileOf(UNTAGGABLE)]: debatesDay(UNTAGGABLE, `${TAGGABLE}<p>${FAULT}</p>`),
  [fileOf(FINE)]: debatesDay(FINE, TAGGABLE),
  [fileOf(LATER)]: debatesDay(LATER, TAGGABLE),
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DONE = { paragraphs: 1, indexed: 1, search_queued: false, tag_queued: false };

describe.each<StoreKind>(['postgres', 'pglite'])('days that cannot be indexed or tagged, on %s', (kind) => {
  const store = storePerTest(kind);

  it('are recorded and skipped; a later run indexes and tags its days; repair days retries them', async () => {
    const db = await store();
    const run = (tagger: Tagger, ...days: string[]) =>
      ingestBatch(db, filesNamed(dir, ...days.map(fileOf)), {
        workers: 0,
        people: null,
        log: silentLog,
        tagger,
      });

    const first = await run(faultyTagger, UNINDEXABLE, UNTAGGABLE, FINE);
    expect(first.ingested).toBe(3);
    expect(first.failed).toEqual([
      {
        file: fileOf(UNINDEXABLE),
        message: expect.stringMatching(
          /^search index of day debates2030-04-01 failed: string is too long for tsvector/,
        ),
      },
      {
        file: fileOf(UNTAGGABLE),
        message: `tagging of day debates2030-04-02 failed: cannot tag ${FAULT}`,
      },
    ]);
    expect(await dayState(db, FINE)).toEqual(DONE);
    // Stored, but out of search (and off the queue); the untaggable day is searchable.
    expect(await dayState(db, UNINDEXABLE)).toEqual({ ...DONE, indexed: 0 });
    expect(await dayState(db, UNTAGGABLE)).toEqual({ ...DONE, paragraphs: 2, indexed: 2 });
    const errors = await listIngestErrors(db);
    expect(errors.map((e) => [e.file_name, e.field])).toEqual([
      [fileOf(UNINDEXABLE), 'search index'],
      [fileOf(UNTAGGABLE), 'tagging'],
    ]);

    const later = await run(faultyTagger, LATER);
    expect(later).toMatchObject({ ingested: 1, failed: [] });
    expect(await dayState(db, LATER)).toEqual(DONE);
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM speech_tags WHERE speech_gid = $1`,
      [`uk.org.publicwhip/debate/${LATER}a.1.1`],
    );
    expect(n).toBeGreaterThan(0);

    // With the tagger fixed, `repair days` queues both again: tagging now succeeds and its
    // failure is closed; indexing fails again (the paragraph is still too large) and is
    // recorded afresh, without stopping anything.
    expect(await requeueFailedDays(db)).toEqual({ 'search index': 1, tagging: 1 });
    const failures: string[] = [];
    await indexPendingDays(db, 1, { onFailure: (f) => failures.push(f.file) });
    const tagged = await tagPendingDays({ db, tags: new TagRepository(db) }, realTagger);
    expect(failures).toEqual([fileOf(UNINDEXABLE)]);
    expect(tagged).toMatchObject({ days: 1, failed: [] });
    expect(await dayState(db, UNTAGGABLE)).toEqual({ ...DONE, paragraphs: 2, indexed: 2 });
    const open = await listIngestErrors(db);
    expect(open.map((e) => [e.file_name, e.field])).toEqual([[fileOf(UNINDEXABLE), 'search index']]);
  }, 120_000);
});
