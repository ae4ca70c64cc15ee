import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { searchVectorSettings } from '../../src/ingest/search-index.js';
import { ASCII_ONLY, searchVector, type SearchVectorSettings } from '../../src/ingest/search-vector.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest, type StoreKind } from '../support/db.js';
import { silentLog } from '../support/ingest.js';
import { ingestBatch } from '../../src/app/ingest.js';

const KINDS: StoreKind[] = ['postgres', 'pglite'];

/** Texts whose vector differs from Postgres's own `to_tsvector('english', …)`, with both. */
async function mismatches(db: Db, texts: string[], settings: SearchVectorSettings) {
  const ours = texts.map((t) => searchVector(t, settings));
  const checked = texts.filter((_, i) => ours[i] !== null);
  const vectors = ours.filter((v): v is string => v !== null);
  const bad = await db.query<{ body: string; ours: string; theirs: string }>(
    `SELECT body, ours, to_tsvector('english', body)::text AS theirs
       FROM unnest($1::text[], $2::text[]) u(body, ours)
      WHERE ours::tsvector IS DISTINCT FROM to_tsvector('english', body)`,
    [checked, vectors],
  );
  return { bad, checked: checked.length };
}

describe.each(KINDS)('search vectors worked out at ingest, against %s', (kind) => {
  let db: Db;
  let probed: SearchVectorSettings | null;
  // Where the store's stemmer differs, the rules are still checked (ASCII_ONLY), then refused.
  let settings: SearchVectorSettings = ASCII_ONLY;
  beforeAll(async () => {
    db = await freshStore(kind);
    probed = await searchVectorSettings(db);
    settings = probed ?? ASCII_ONLY;
  }, 120_000);
  afterAll(async () => db?.close());

  it('are used only where the store stems as Snowball here does', async () => {
    const [row] = await db.query<{ stem: string[] }>(`SELECT ts_lexize('english_stem', 'added') AS stem`);
    // Postgres 15 (this machine's server) stems "added" as this port does; PGlite's 17 does not.
    expect(probed !== null).toBe(row?.stem[0] === 'ad');
    if (kind === 'postgres') expect(probed).not.toBeNull();
  });

  // PGlite refuses worker vectors (the first test checks it), so only Postgres's are compared.
  const comparable = kind === 'postgres';

  if (comparable)
    it('match to_tsvector on words, stop words, numbers, hyphens and punctuation', async () => {
      expect(probed).not.toBeNull();
      const texts = [
        'The Secretary of State for Health: the NHS is not for sale.',
        "A well-known, long-standing and self-evidently cross-party point; don't you agree?",
        'We spent 1,000 million in 2009 (and 15 per cent. more) — “outsourcing” isn’t privatisation…',
        'Hyphen - alone, and a word- then more; the the the of of.',
        '',
      ];
      const { bad, checked } = await mismatches(db, texts, settings);
      expect(bad).toEqual([]);
      expect(checked).toBe(5);
    });

  it('leaves to Postgres what its parser could read as something else', () => {
    for (const t of [
      'see www.example.org',
      'mail a@b.com',
      'clause 10.5 applies',
      'version 1.2.3',
      'A1 road and MP3',
      '<b>tag</b> &amp; entity',
      'and/or',
      'Covid-19',
      '-5 degrees',
      'café',
      'end..',
    ])
      expect(searchVector(t, settings), t).toBeNull();
  });

  it('treats non-ASCII punctuation as blanks only where this store does', async () => {
    const [row] = await db.query<{ same: boolean }>(
      `SELECT to_tsvector('english', 'x’y') = to_tsvector('english', 'x y') AS same`,
    );
    if (probed) expect(settings.blanks.includes('’')).toBe(row?.same);
    expect(searchVector('x’y', ASCII_ONLY)).toBeNull();
  });

  if (comparable)
    it.skipIf(!corpusAvailable())(
      'match to_tsvector on every paragraph of the shared week they cover',
      async () => {
        expect(probed).not.toBeNull();
        const texts: string[] = [];
        for (const f of listSourceFiles(corpusDir)) {
          const doc = parseFeedFile(readFileSync(f.path), f.name, f.type);
          for (const s of doc.speeches) for (const p of s.paragraphs) texts.push(p.text);
        }
        const { bad, checked } = await mismatches(db, texts, settings);
        expect(bad.slice(0, 3)).toEqual([]);
        // Coverage is the speed-up: what is not covered is computed by Postgres after the commit.
        expect(checked / texts.length).toBeGreaterThan(0.8);
      },
      300_000,
    );
});

describe.skipIf(!corpusAvailable())('a batch with vectors from the parse workers', () => {
  const stores: Db[] = [];
  afterAll(async () => Promise.all(stores.map((db) => db.close())));

  it('ends in the same store as one whose vectors Postgres computed, with less left to the indexer', async () => {
    const files = listSourceFiles(corpusDir).filter((f) => ['debates', 'wms', 'ni'].includes(f.type));
    const run = async (searchVectors: boolean) => {
      const db = await freshStore('postgres');
      stores.push(db);
      const summary = await ingestBatch(db, files, {
        workers: 1,
        people: null,
        log: silentLog,
        searchVectors,
      });
      expect(summary.failed).toEqual([]);
      return { db, summary };
    };
    const plain = await run(false);
    const vectors = await run(true);
    expect(vectors.summary.indexed).toBeLessThan(plain.summary.indexed / 3);
    expect(plain.summary.indexed).toBe(plain.summary.paragraphs);
    expect(await storeDigest(vectors.db)).toEqual(await storeDigest(plain.db));
  }, 300_000);
});
