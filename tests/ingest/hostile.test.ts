/**
 * Hostile feed files in a batch: each fails by name in `ingest_errors` (file, line, which
 * limit and its value), the rest of the batch is stored, indexed and tagged, and a later
 * run goes on as normal. Before the limits, one entity bomb stored a 300-million-character
 * paragraph that then failed every later run's indexing.
 */
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { listIngestErrors } from '../../src/ingest/error-repository.js';
import { ingestBatch } from '../../src/app/ingest.js';
import { createDefaultTagger } from '../../src/tag/index.js';
import { storePerTest, type StoreKind } from '../support/db.js';
import { silentLog } from '../support/ingest.js';
import { dayState, debatesDay, debatesTree, fileOf, filesNamed, TAGGABLE } from './support.js';

const tagger = createDefaultTagger();

const BOMB = '2030-03-03';
const BIG_TEXT = '2030-03-04';
const DEEP = '2030-03-05';
const NUL = '2030-03-06';
const GOOD = ['2030-03-02', '2030-03-09'];
const LATER = '2030-03-10';

function bomb(): string {
  // As reported: one 9,988-character entity used 30,000 times, each use under the per-entity cap.
  const doctype = `<!DOCTYPE publicwhip [\n<!ENTITY e "${'x'.repeat(9_988)}">\n]>`;
  return debatesDay(BOMB, `<p>${'&e;'.repeat(30_000)}</p>`, doctype);
}

const dir = debatesTree({
  [fileOf(GOOD[0]!)]: debatesDay(GOOD[0]!, TAGGABLE),
  [fileOf(BOMB)]: bomb(),
  [fileOf(BIG_TEXT)]: debatesDay(BIG_TEXT, `<p>${'y'.repeat(50_000_000)}</p>`),
  [fileOf(DEEP)]: debatesDay(DEEP, `<p>${'<i>'.repeat(100_000)}deep${'</i>'.repeat(100_000)}</p>`),
  [fileOf(NUL)]: debatesDay(NUL, '<p>before</p>\n<p>a\u0000b</p>'),
  [fileOf(GOOD[1]!)]: debatesDay(GOOD[1]!, TAGGABLE),
  [fileOf(LATER)]: debatesDay(LATER, TAGGABLE),
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BATCH = [GOOD[0]!, BOMB, BIG_TEXT, DEEP, NUL, GOOD[1]!].map(fileOf);

/** debatesDay's lines: declaration, DOCTYPE, root, heading, then the speech on line 5. */
const EXPECTED: Record<string, { line: number; message: RegExp }> = {
  [fileOf(BOMB)]: {
    // The DOCTYPE takes three lines; every use sits on line 7, where the budget runs out.
    line: 7,
    message:
      /^text from entity references in this document exceeds the limit of 1,000,000 \(HW_MAX_ENTITY_EXPANSION_CHARS\)/,
  },
  [fileOf(BIG_TEXT)]: {
    line: 5,
    message: /^a text node exceeds the limit of 1,000,000 \(HW_MAX_TEXT_NODE_CHARS\)/,
  },
  [fileOf(DEEP)]: {
    line: 5,
    message: /^element nesting \(<i> at depth 1001\) exceeds the limit of 1,000 \(HW_MAX_XML_DEPTH\)/,
  },
  [fileOf(NUL)]: { line: 6, message: /^NUL character in the document/ },
};

describe.each<StoreKind>(['postgres', 'pglite'])('hostile files in a batch on %s', (kind) => {
  const store = storePerTest(kind);
  // The server parses on a worker thread (limits travel in its workerData), PGlite in-thread.
  const workers = kind === 'postgres' ? 1 : 0;

  it('fails each hostile file by name and limit; the others are stored, indexed and tagged; a later run proceeds', async () => {
    const db = await store();
    const run = (names: string[]) =>
      ingestBatch(db, filesNamed(dir, ...names), { workers, people: null, log: silentLog, tagger });

    const first = await run(BATCH);
    expect(first.ingested).toBe(2);
    expect(first.failed.map((f) => f.file.split('/').pop()).sort()).toEqual(Object.keys(EXPECTED).sort());
    const errors = await listIngestErrors(db);
    expect(errors).toHaveLength(4);
    for (const e of errors) {
      const expected = EXPECTED[e.file_name];
      expect(expected, e.file_name).toBeDefined();
      expect(e.severity).toBe('error');
      expect(e.line, e.file_name).toBe(expected!.line);
      expect(e.message, e.file_name).toMatch(expected!.message);
    }
    for (const day of GOOD)
      expect(await dayState(db, day)).toEqual({
        paragraphs: 1,
        indexed: 1,
        search_queued: false,
        tag_queued: false,
      });
    // Nothing of a refused file reached the store.
    const [{ longest } = { longest: -1 }] = await db.query<{ longest: number }>(
      'SELECT coalesce(max(length(body)), 0)::int AS longest FROM paragraphs',
    );
    expect(longest).toBeLessThan(200);
    const [{ tags } = { tags: 0 }] = await db.query<{ tags: number }>(
      'SELECT count(*)::int AS tags FROM speech_tags',
    );
    expect(tags).toBeGreaterThan(0);

    // The next run, with the hostile files still in the directory, goes on as normal.
    const later = await run([...BATCH, fileOf(LATER)]);
    expect(later).toMatchObject({ ingested: 1, unchanged: 2 });
    expect(later.failed).toHaveLength(4);
    expect(await dayState(db, LATER)).toEqual({
      paragraphs: 1,
      indexed: 1,
      search_queued: false,
      tag_queued: false,
    });
  }, 120_000);

  it('logs each dropped control character with its file and line, and records it in ingest_errors', async () => {
    const db = await store();
    const day = '2030-03-11';
    const tree = debatesTree({ [fileOf(day)]: debatesDay(day, '<p>one</p>\n<p>t\u0007wo &#1;</p>') });
    const lines: { level: number; file?: string; line?: number; msg: string }[] = [];
    const log = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    try {
      const summary = await ingestBatch(db, filesNamed(tree, fileOf(day)), { workers, people: null, log });
      expect(summary).toMatchObject({ ingested: 1, warnings: 2, failed: [] });
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
    const expected = [
      { level: 40, file: fileOf(day), line: 6, msg: 'control character U+0007 dropped' },
      { level: 40, file: fileOf(day), line: 6, msg: 'reference "&#1;" to a control character dropped' },
    ];
    expect(lines.map(({ level, file, line, msg }) => ({ level, file, line, msg }))).toEqual(expected);
    const stored = await listIngestErrors(db, { includeWarnings: true });
    expect(stored.map((e) => ({ file: e.file_name, line: e.line, msg: e.message }))).toEqual(
      expected.map(({ file, line, msg }) => ({ file, line, msg })),
    );
  });

  it('takes its limits from the caller (HW_MAX_* settings), in worker threads too', async () => {
    const db = await store();
    const small = debatesTree({ [fileOf(GOOD[0]!)]: debatesDay(GOOD[0]!, `<p>${'word '.repeat(1000)}</p>`) });
    try {
      const summary = await ingestBatch(db, filesNamed(small, fileOf(GOOD[0]!)), {
        workers,
        people: null,
        log: silentLog,
        limits: { maxEntityExpansion: 1000, maxTextNode: 10_000, maxParagraph: 1000, maxDepth: 50 },
      });
      expect(summary.failed).toEqual([
        {
          file: expect.stringContaining(fileOf(GOOD[0]!)),
          message: expect.stringMatching(
            /^the text of the paragraph from line 5 exceeds the limit of 1,000 \(HW_MAX_PARAGRAPH_CHARS\); file refused \(line 5\)$/,
          ),
        },
      ]);
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });
});
