import { describe, expect, it } from 'vitest';
import {
  contextWords,
  corpusHeadings,
  headingWords,
  isHeadingTerm,
  joinHeading,
  normaliseDebateTitle,
} from '../../src/tag/heading.js';
import { createTagger } from '../../src/tag/tagger.js';
import { DEFAULT_TRAIN_OPTIONS, trainModels } from '../../src/tag/train.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { FRUIT, fruitTaxonomy } from './fruit-fixture.js';
import { committedTagger } from './helpers.js';

const taxonomy = fruitTaxonomy;
const fruit = FRUIT;
// Every positive sits under an "Orchards" heading; so do some negatives, which the heading alone
// therefore cannot settle. "ripe" is the paragraphs' own topical word.
const examples = [
  ...fruit.map((f, i) => ({
    id: `p${i}`,
    text: `We picked a ripe ${f} this week.`,
    labels: ['fruit'],
    heading: 'Orchards',
  })),
  ...fruit.map((f, i) => ({
    id: `q${i}`,
    text: `They sold a ripe ${f} at market.`,
    labels: ['fruit'],
    heading: 'Orchards',
  })),
  ...Array.from({ length: 6 }, (_, i) => ({
    id: `o${i}`,
    text: `The fence by gate ${i} needs mending.`,
    labels: [],
    heading: 'Orchards',
  })),
  ...Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, text: `We mended road number ${i}.`, labels: [] })),
];
const options = { ...DEFAULT_TRAIN_OPTIONS, headingFeatures: 1, topicalPrecision: 0.5, topicalWilson: 0 };

describe('heading words', () => {
  it('become prefixed features, stop words dropped, each once', () => {
    expect(headingWords('Sale of the Tote and the Tote')).toEqual([
      { stem: 'h:sale', stop: false },
      { stem: 'h:tote', stop: false },
    ]);
    expect(contextWords('Probation reform', 'n:').map((w) => w.stem)).toEqual(['n:probat', 'n:reform']);
    expect(headingWords('')).toEqual([]);
    expect(isHeadingTerm('h:tote')).toBe(true);
    expect(isHeadingTerm('n:tote')).toBe(true);
    expect(isHeadingTerm('tote')).toBe(false);
  });

  it('read a real-2015-20 debate title as the store would hold the heading', () => {
    expect(normaliseDebateTitle('Land Registry (Backbench Business motion)')).toBe('Land Registry');
    expect(
      normaliseDebateTitle('Written question: NHS Trusts: Subsidiary Companies (asked 2020-01-27)'),
    ).toBe('NHS Trusts: Subsidiary Companies');
    expect(normaliseDebateTitle('Arms Export Licences (Saudi Arabia) (Urgent Question)')).toBe(
      'Arms Export Licences',
    );
    expect(normaliseDebateTitle(null)).toBe('');
    expect(joinHeading('HOME DEPARTMENT', 'Crime Reduction Grants')).toBe(
      'HOME DEPARTMENT — Crime Reduction Grants',
    );
    expect(joinHeading('Scottish Economy', null)).toBe('Scottish Economy');
  });
});

describe('heading features in the classifier', () => {
  const model = trainModels(examples, taxonomy, 'model-v1', options);
  const tagger = createTagger({ taxonomy, model });

  it('enter the vocabulary but are never topical', () => {
    expect(model.features.terms).toContain('h:orchard');
    const topical = model.topical![0]!.terms.map((j) => model.features.terms[j]!);
    expect(topical).toContain('ripe');
    expect(topical.some(isHeadingTerm)).toBe(false);
    // A model trained without them has none, and training stays deterministic.
    const plain = trainModels(examples, taxonomy, 'model-v1', { ...options, headingFeatures: 0 });
    expect(plain.features.terms.some(isHeadingTerm)).toBe(false);
    expect(JSON.stringify(trainModels(examples, taxonomy, 'model-v1', options))).toBe(JSON.stringify(model));
  });

  it('move the score, but the heading alone never labels a paragraph and is never evidence', () => {
    const own = 'They kept a ripe quince.';
    const under = tagger.scoreParagraph(own, { heading: 'Orchards' })[0]!;
    const alone = tagger.scoreParagraph(own)[0]!;
    expect(under.classifier!.probability).toBeGreaterThan(alone.classifier!.probability);
    // No topical word of its own: however strongly the heading points, no tag.
    const bare = 'The gate needs a new hinge.';
    expect(tagger.tagParagraph(bare, { heading: 'Orchards' })).toEqual([]);
    const tagged = tagger.tagParagraph(own, { heading: 'Orchards' });
    expect(tagged.map((t) => t.tag)).toEqual(['fruit']);
    for (const e of tagged[0]!.evidence) {
      expect(isHeadingTerm(e.ref)).toBe(false);
      expect(own.slice(e.start, e.end)).toBe(e.term);
    }
  });

  it('reach every paragraph of a speech through tagSpeech', () => {
    const paragraphs = [
      { pid: 'a', seq: 0, text: 'They kept a ripe quince.' },
      { pid: 'b', seq: 1, text: 'The gate needs a new hinge.' },
    ];
    const withHeading = tagger.tagSpeech(paragraphs, { heading: 'Orchards' });
    expect(withHeading.paragraphs[0]!.tags[0]!.confidence).toBe(
      tagger.tagParagraph(paragraphs[0]!.text, { heading: 'Orchards' })[0]!.confidence,
    );
    expect(withHeading.paragraphs[1]!.tags).toEqual([]);
  });

  it('leave the committed model (trained without them) unchanged', () => {
    const t = committedTagger();
    const text = 'The Government intend to sell their remaining stake in the Tote.';
    expect(t.scoreParagraph(text, { heading: 'Horserace Totalisator Board' })).toEqual(
      t.scoreParagraph(text),
    );
  });
});

describe.skipIf(!corpusAvailable())('corpus headings', () => {
  it('give every speech of the shared week its major and minor heading, via the parser', () => {
    const headings = corpusHeadings(corpusDir);
    expect(headings.size).toBeGreaterThan(7000);
    const withTitle = [...headings.values()].filter((h) => h !== '').length;
    expect(withTitle / headings.size).toBeGreaterThan(0.95);
  });
});
