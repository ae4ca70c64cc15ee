import { describe, expect, it } from 'vitest';
import { compileClassifiers } from '../../src/tag/classifier.js';
import { readCorpusParagraphs, type CorpusParagraph } from '../../src/tag/corpus.js';
import { compileFastPath } from '../../src/tag/fast-path.js';
import { corpusHeadings } from '../../src/tag/heading.js';
import { compileKeywordRules } from '../../src/tag/keyword.js';
import { loadTaggerInput } from '../../src/tag/load.js';
import type { TagModel } from '../../src/tag/model.js';
import { createTagger } from '../../src/tag/tagger.js';
import { words } from '../../src/tag/text.js';
import { DEFAULT_TRAIN_OPTIONS, trainModels } from '../../src/tag/train.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { fruitTaxonomy, publicFillerExamples } from './fruit-fixture.js';
import { repoTagsDir } from './helpers.js';

// As in topical.test.ts: "public" comes with most positives but is in too many negatives to be topical.
const taxonomy = fruitTaxonomy;
const examples = publicFillerExamples;
const train = (topicalPrecision: number): TagModel =>
  trainModels(examples, taxonomy, 'model-v1', {
    ...DEFAULT_TRAIN_OPTIONS,
    topicalPrecision,
    topicalWilson: 0,
  });

function fastPathOf(model: TagModel | null) {
  const rules = compileKeywordRules(taxonomy);
  return compileFastPath(rules, model, model === null ? null : compileClassifiers(model));
}
const mayTag = (model: TagModel | null, text: string) => fastPathOf(model)!.mayTag(text, words(text));

describe('tagger fast path (derived from the taxonomy and model)', () => {
  const gated = train(0.9);

  it('lets through a pattern match or a topical term, and nothing else', () => {
    expect(mayTag(gated, 'Apples again.')).toBe(true);
    expect(mayTag(gated, 'A ripe quince from the orchard.')).toBe(true);
    expect(mayTag(gated, 'We mended the fence.')).toBe(false);
    // Filler the classifier leans on is not topical: the gate would refuse the tag anyway.
    expect(mayTag(gated, 'The public met the public.')).toBe(false);
  });

  it('a rules-only tagger passes only what a prefilter matches', () => {
    expect(mayTag(null, 'An apple.')).toBe(true);
    expect(mayTag(null, 'A ripe quince from the orchard.')).toBe(false);
  });

  it('is off where it cannot be proved: no topical list, or a model field it does not know', () => {
    const plain = train(0);
    expect(plain.topical).toBeUndefined();
    expect(fastPathOf(plain)).toBeNull();
    const grown = { ...gated, headings: [] } as unknown as TagModel;
    expect(fastPathOf(grown)).toBeNull();
    const features = { ...gated, features: { ...gated.features, heading: [] } } as unknown as TagModel;
    expect(fastPathOf(features)).toBeNull();
    expect(fastPathOf(gated)).not.toBeNull();
  });

  it('tags alike with a model that reads the debate heading, and a heading prior', () => {
    const withHeadings = examples.map((e) => ({ ...e, heading: e.labels.length > 0 ? 'Orchards' : 'Roads' }));
    const model = trainModels(withHeadings, taxonomy, 'model-v1', {
      ...DEFAULT_TRAIN_OPTIONS,
      headingFeatures: 1,
      topicalPrecision: 0.5,
      topicalWilson: 0,
    });
    expect(model.features.terms).toContain('h:orchard');
    const fast = createTagger({ taxonomy, model, headingPrior: 2 });
    const full = createTagger({ taxonomy, model, headingPrior: 2, fastPath: false });
    for (const heading of ['Orchards', 'Roads', ''])
      for (const text of ['We mended the fence.', 'A ripe quince.', 'Apples.', 'The public met.'])
        expect(fast.tagParagraph(text, { heading })).toEqual(full.tagParagraph(text, { heading }));
  });

  it('a tagger with and without it tags alike, and the skipped paragraph gets no tag', () => {
    const fast = createTagger({ taxonomy, model: gated });
    const full = createTagger({ taxonomy, model: gated, fastPath: false });
    for (const text of ['We mended the fence.', 'A ripe quince from the orchard.', 'Apples.', 'The public.'])
      expect(fast.tagParagraph(text)).toEqual(full.tagParagraph(text));
  });
});

function bySpeech(paragraphs: CorpusParagraph[]): CorpusParagraph[][] {
  const out = new Map<string, CorpusParagraph[]>();
  for (const p of paragraphs) {
    const key = `${p.file}#${p.gid}`;
    out.set(key, [...(out.get(key) ?? []), p]);
  }
  return [...out.values()];
}

describe.skipIf(!corpusAvailable())('tagger fast path on the shared week', () => {
  it('gives every speech exactly the full tagging (tags, confidences, evidence)', () => {
    const input = loadTaggerInput(repoTagsDir);
    const fast = createTagger(input);
    const full = createTagger({ ...input, fastPath: false });
    const rules = compileKeywordRules(input.taxonomy);
    const path = compileFastPath(rules, input.model, input.model && compileClassifiers(input.model));
    // The committed model must have a fast path, or this test would compare a tagger with itself.
    expect(path).not.toBeNull();
    const speeches = bySpeech(readCorpusParagraphs(corpusDir));
    // With their debate headings, as the store tags them (a model that reads them must agree too).
    const headings = corpusHeadings(corpusDir);
    let paragraphs = 0;
    let skipped = 0;
    let tagged = 0;
    for (const speech of speeches) {
      const input = speech.map((p) => ({ pid: p.pid, seq: p.seq, text: p.text }));
      const context = { heading: headings.get(speech[0]!.gid) ?? '' };
      const got = fast.tagSpeech(input, context);
      expect(got, speech[0]!.gid).toEqual(full.tagSpeech(input, context));
      tagged += got.speech.length;
      paragraphs += speech.length;
      skipped += speech.filter((p) => !path!.mayTag(p.text, words(p.text))).length;
    }
    expect(speeches.length).toBeGreaterThan(7000);
    // Not vacuous: the week has tags, and most paragraphs are skipped.
    expect(tagged).toBeGreaterThan(50);
    expect(skipped / paragraphs).toBeGreaterThan(0.5);
  }, 120_000);
});
