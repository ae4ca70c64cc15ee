import { describe, expect, it } from 'vitest';
import { findKeywordMatches } from '../../src/tag/keyword.js';
import { createTagger } from '../../src/tag/tagger.js';
import { parseTaxonomy, TaxonomyError } from '../../src/tag/taxonomy.js';
import { DEFAULT_TRAIN_OPTIONS, trainModels } from '../../src/tag/train.js';
import { committedRules } from './helpers.js';

const taxonomy = (veto: string[] | undefined) =>
  parseTaxonomy({
    version: 1,
    contexts: { 'own-use': { patterns: ['\\bcanteen\\b'] } },
    tags: [
      {
        id: 'fruit',
        label: 'Fruit',
        decision: {
          keywordThreshold: 0.5,
          noMatchPrior: 0.5,
          ...(veto === undefined ? {} : { unsupportedVeto: veto }),
        },
        patterns: [
          { id: 'apple', pattern: '\\bapples?\\b', weight: 0.9 },
          { id: 'ripe', pattern: '\\bripe\\b', weight: 0.3 },
        ],
      },
    ],
  });

const fruit = ['pear', 'plum', 'cherry', 'peach', 'mango', 'damson', 'quince', 'medlar'];
const examples = [
  ...fruit.map((f, i) => ({ id: `p${i}`, text: `A ${f} from the orchard.`, labels: ['fruit'] })),
  ...Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, text: `We mended fence ${i}.`, labels: [] })),
];

describe('decision.unsupportedVeto', () => {
  const vetoed = createTagger({
    taxonomy: taxonomy(['own-use']),
    model: trainModels(examples, taxonomy(['own-use']), 'model-v1', DEFAULT_TRAIN_OPTIONS),
  });
  const plain = createTagger({
    taxonomy: taxonomy(undefined),
    model: trainModels(examples, taxonomy(undefined), 'model-v1', DEFAULT_TRAIN_OPTIONS),
  });

  it('withholds a tag only the classifier (or a weak hint) gives where the context occurs', () => {
    const text = 'A pear and a plum from the orchard for the canteen.';
    expect(plain.tagParagraph(text).map((t) => t.tag)).toEqual(['fruit']);
    expect(vetoed.tagParagraph(text)).toEqual([]);
    const weak = 'A ripe pear from the orchard for the canteen.';
    expect(plain.tagParagraph(weak).map((t) => t.tag)).toEqual(['fruit']);
    expect(vetoed.tagParagraph(weak)).toEqual([]);
  });

  it('leaves a strong pattern, and paragraphs without the context, alone', () => {
    expect(vetoed.tagParagraph('Apples from the orchard for the canteen.').map((t) => t.tag)).toEqual([
      'fruit',
    ]);
    expect(vetoed.tagParagraph('A pear and a plum from the orchard.').map((t) => t.tag)).toEqual(['fruit']);
  });

  it('refuses an unknown context set, naming the tag', () => {
    expect(() => taxonomy(['nowhere'])).toThrow(TaxonomyError);
    expect(() => taxonomy(['nowhere'])).toThrow(
      /tag 'fruit' › decision › unsupportedVeto.*unknown context set 'nowhere'/,
    );
  });
});

describe('committed rules: "run by" is not a hyphenated compound', () => {
  const runBy = (text: string) =>
    findKeywordMatches(committedRules(), text).filter((m) => m.patternId === 'run-by-company');

  it('does not read "stage-managed by … operators" as a service run by a company', () => {
    expect(
      runBy('Accidents have happened at events that were stage-managed by unlicensed operators.'),
    ).toEqual([]);
  });

  it('still reads a service run by a company', () => {
    expect(runBy('The leisure centre is now managed by a national charity.').map((m) => m.term)).toEqual([
      'managed by a national charity',
    ]);
    expect(runBy('Our library is run by a charity.')).toHaveLength(1);
  });
});
