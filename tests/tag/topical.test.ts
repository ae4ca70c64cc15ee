import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeC1, loadRealRows } from '../../src/tag/real-cv.js';
import { createTagger } from '../../src/tag/tagger.js';
import { DEFAULT_TRAIN_OPTIONS, trainModels, wilsonLower } from '../../src/tag/train.js';
import { fruitTaxonomy, publicFillerExamples } from './fruit-fixture.js';

const taxonomy = fruitTaxonomy;
const examples = publicFillerExamples;
// "public" is in 12 of 14 paragraphs with the tag (0.86): below the test's topical share of 0.9.

describe('topical terms', () => {
  const gated = trainModels(examples, taxonomy, 'model-v1', {
    ...DEFAULT_TRAIN_OPTIONS,
    topicalPrecision: 0.9,
    topicalWilson: 0,
  });
  const plain = trainModels(examples, taxonomy, 'model-v1', {
    ...DEFAULT_TRAIN_OPTIONS,
    topicalPrecision: 0,
  });

  it('lists terms mostly seen with the tag, never a stop-word bigram', () => {
    const terms = gated.topical![0]!.terms.map((j) => gated.features.terms[j]);
    expect(terms).toContain('orchard');
    expect(terms).toContain('ripe');
    expect(terms).not.toContain('the public');
    expect(terms).not.toContain('public');
    expect(terms).not.toContain('public');
    expect(terms).not.toContain('fenc');
    expect(plain.topical).toBeUndefined();
  });

  it('gives no tag on filler alone, and shows only topical terms as evidence', () => {
    const filler = 'The public met the public at the public hall.';
    const gatedTagger = createTagger({ taxonomy, model: gated });
    // The classifiers lean to the tag on "public" alone, but no topical term is there.
    const [score] = gatedTagger.scoreParagraph(filler);
    expect(score!.classifier!.probability).toBeGreaterThan(0.5);
    expect(score!.combined.positive).toBe(false);
    expect(gatedTagger.tagParagraph(filler)).toEqual([]);
    const real = gatedTagger.tagParagraph('The public ate a ripe quince from the orchard.');
    expect(real.map((t) => t.tag)).toEqual(['fruit']);
    const shown = real[0]!.evidence.map((e) => e.term.toLowerCase());
    expect(shown).toContain('orchard');
    expect(shown.some((t) => t.includes('public'))).toBe(false);
  });

  it('judges the share by its Wilson lower bound', () => {
    // 12 of 12: the raw share is 1, the Wilson lower bound 0.76.
    expect(wilsonLower(12, 12)).toBeCloseTo(0.757, 2);
    expect(wilsonLower(2, 2)).toBeLessThan(0.5);
    const wilson = trainModels(examples, taxonomy, 'model-v1', {
      ...DEFAULT_TRAIN_OPTIONS,
      topicalPrecision: 0.7,
    });
    const topical = (m: typeof wilson) => m.topical![0]!.terms.map((j) => m.features.terms[j]);
    expect(topical(wilson)).toContain('orchard');
    // "pear" is in 2 paragraphs, both tagged: topical by the raw share, not by the bound (0.34).
    expect(topical(wilson)).not.toContain('pear');
    const raw = trainModels(examples, taxonomy, 'model-v1', {
      ...DEFAULT_TRAIN_OPTIONS,
      topicalPrecision: 0.7,
      topicalWilson: 0,
    });
    expect(topical(raw)).toContain('pear');
  });

  it('can ask more of the topical term than the evidence floor (topicalMinimum)', () => {
    const text = 'The public ate a ripe quince from the orchard.';
    expect(createTagger({ taxonomy, model: gated }).tagParagraph(text)).toHaveLength(1);
    const strict = trainModels(examples, taxonomy, 'model-v1', {
      ...DEFAULT_TRAIN_OPTIONS,
      topicalPrecision: 0.9,
      topicalWilson: 0,
      topicalMinimum: 50,
    });
    // Same weights, but no term adds 50 log-odds: the classifier alone may no longer tag.
    expect(strict.classifiers).toEqual(gated.classifiers);
    expect(createTagger({ taxonomy, model: strict }).tagParagraph(text)).toEqual([]);
    // A pattern still tags by itself.
    expect(
      createTagger({ taxonomy, model: strict })
        .tagParagraph('An apple.')
        .map((t) => t.tag),
    ).toEqual(['fruit']);
  });

  it('can drop stop-word bigrams from the vocabulary', () => {
    const m = trainModels(examples, taxonomy, 'model-v1', { ...DEFAULT_TRAIN_OPTIONS, stopBigrams: 0 });
    expect(m.features.terms).not.toContain('the public');
    expect(m.features.terms).toContain('ripe pear');
    expect(plain.features.terms).toContain('the public');
  });
});

describe('real-text cross-validation rows', () => {
  it('groups the 2009 rows by day and the modern rows by debate and date, and decodes C1 characters', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'realcv-'));
    const shared = path.join(dir, 'tagging');
    const training = path.join(dir, 'training');
    for (const d of [shared, training]) mkdirSync(d, { recursive: true });
    const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
    writeFileSync(
      path.join(shared, 'dev-2009.jsonl'),
      jsonl([
        { id: 'd1', gid: 'uk.org.publicwhip/debate/2009-10-12a.1.0', text: 'It\u0092s sold.', labels: [] },
        { id: 'd2', gid: 'uk.org.publicwhip/debate/2009-10-12a.9.0', text: 'Other.', labels: [] },
      ]),
    );
    writeFileSync(
      path.join(shared, 'real-2015-20.jsonl'),
      jsonl([
        { id: 'r1', text: 'A.', labels: [], debate: 'Rail', date: '2018-01-01' },
        { id: 'r2', text: 'B.', labels: [], debate: 'Rail', date: '2018-01-02' },
      ]),
    );
    writeFileSync(path.join(training, 'corpus-2009.jsonl'), '');
    const { rows, counts } = loadRealRows(shared, training, dir);
    expect(counts).toEqual({ 'dev-2009': 2, 'real-2015-20': 2 });
    expect(rows[0]!.text).toBe('It\u2019s sold.');
    expect(rows[0]!.gid).toBe(rows[1]!.gid);
    expect(rows[2]!.gid).not.toBe(rows[3]!.gid);
    expect(decodeC1('\u0097')).toBe('\u2014');
  });

  it('gives rows their heading and neighbours when asked (the context the annotator read)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'realcv-ctx-'));
    const shared = path.join(dir, 'tagging');
    const training = path.join(dir, 'training');
    for (const d of [shared, training]) mkdirSync(d, { recursive: true });
    const corpus = path.resolve(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
    writeFileSync(
      path.join(shared, 'dev-2009.jsonl'),
      JSON.stringify({
        id: 'd1',
        gid: 'uk.org.publicwhip/debate/2030-01-07b.10.3',
        text: 'Staff deserve to know.',
        labels: [],
      }),
    );
    writeFileSync(
      path.join(shared, 'real-2015-20.jsonl'),
      JSON.stringify({ id: 'r1', text: 'A.', labels: [], debate: 'Rail (Westminster Hall)', date: null }),
    );
    writeFileSync(path.join(training, 'corpus-2009.jsonl'), '');
    const { rows } = loadRealRows(shared, training, corpus, true, true);
    expect(rows[0]!.heading).toBe('Community Health Services');
    expect(rows[0]!.neighbourText).toBe('Will the Minister publish the tender documents?');
    expect(rows[1]!.heading).toBe('Rail');
    expect(rows[1]!.neighbourText).toBeUndefined();
    const plain = loadRealRows(shared, training, corpus).rows;
    expect(plain[0]!.heading).toBeUndefined();
  });
});
